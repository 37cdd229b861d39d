package org.sparkdistill.core.teacher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.sparkdistill.core.InvalidInputException;

/**
 * The file formats a teacher model may come in, told apart by their first bytes: a DL4J model zip (from
 * {@code ModelSerializer}), an ONNX model (a protocol buffer, as PyTorch's {@code torch.onnx.export} and tf2onnx write
 * it), or a Keras HDF5 file ({@code model.save("teacher.h5")}).
 */
public enum TeacherFormat {
    DL4J("a DL4J model zip"),
    ONNX("an ONNX model"),
    KERAS("a Keras HDF5 file");

    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** An ONNX {@code ModelProto} opens with field 1, {@code ir_version}, a varint: tag byte 0x08. */
    private static final byte ONNX_FIRST_TAG = 0x08;

    private final String description;

    TeacherFormat(String description) {
        this.description = description;
    }

    /** The name used in configuration files: {@code dl4j}, {@code onnx} or {@code keras}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format whose key is {@code key}, ignoring case.
     *
     * @throws InvalidInputException naming the value and the formats known
     */
    public static TeacherFormat of(String key) {
        for (TeacherFormat format : values()) {
            if (format.key().equalsIgnoreCase(key)) {
                return format;
            }
        }
        throw new InvalidInputException("teacher format '" + key + "' is unknown; known formats: dl4j, onnx, keras");
    }

    /**
     * The format of {@code file}, from its first bytes.
     *
     * @param origin the file's name in messages (its location in storage when {@code file} is a local copy)
     * @throws InvalidInputException naming the file when it is none of the three
     */
    public static TeacherFormat detect(Path file, String origin) {
        TeacherFormat format = sniff(head(file, origin));
        if (format == null) {
            throw new InvalidInputException("teacher model file " + origin + " is not a DL4J model zip, an ONNX model"
                    + " or a Keras HDF5 file (its first bytes are " + hex(head(file, origin)) + ")");
        }
        return format;
    }

    /**
     * Checks that {@code file} is in this format.
     *
     * @throws InvalidInputException naming the file, the format configured and the one its bytes show
     */
    public void require(Path file, String origin) {
        TeacherFormat found = sniff(head(file, origin));
        if (found != this) {
            throw new InvalidInputException("teacher model file " + origin + " is not " + description
                    + " as its format " + key() + " says: it is "
                    + (found == null ? "none of dl4j, onnx, keras (first bytes " + hex(head(file, origin)) + ")"
                            : found.description));
        }
    }

    private static TeacherFormat sniff(byte[] head) {
        if (startsWith(head, ZIP)) {
            return DL4J;
        }
        if (startsWith(head, HDF5)) {
            return KERAS;
        }
        if (head.length > 1 && head[0] == ONNX_FIRST_TAG) {
            return ONNX;
        }
        return null;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    private static byte[] head(Path file, String origin) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HDF5.length);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("teacher model file " + origin + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read teacher model file " + origin + ": " + e.getMessage(), e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b & 0xff));
        }
        return s.length() == 0 ? "none: the file is empty" : s.toString();
    }
}
