package org.sparkdistill.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * Reads a small UTF-8 text file that a user or another program wrote, with its size cap in force while reading: a
 * device, pipe or directory is refused before any read, and reading stops one byte past the cap, so that neither
 * {@code /dev/zero} nor a file that keeps growing is read whole. Stateless and thread-safe.
 */
public final class BoundedText {
    private BoundedText() {}

    /**
     * The text of {@code file}, which must be a regular file of at most {@code maxBytes} bytes of UTF-8.
     *
     * @param what what the file is, for messages, e.g. "configuration file"
     * @throws InvalidInputException naming the file when it is missing, not a regular file, larger than the cap, not
     *     UTF-8 or unreadable
     */
    public static String readUtf8(Path file, int maxBytes, String what) {
        String source = what + " " + Excerpt.of(file);
        requireRegularFile(file, source);
        try (InputStream in = Files.newInputStream(file)) {
            return readUtf8(in, maxBytes, source);
        } catch (IOException e) {
            throw new InvalidInputException(source + " cannot be read: " + e, e);
        }
    }

    /**
     * The text of a stream of at most {@code maxBytes} bytes of UTF-8; reading stops one byte past the cap.
     *
     * @param source what and where the stream comes from, for messages
     * @throws InvalidInputException naming {@code source} when the stream holds more than the cap or is not UTF-8
     * @throws IOException when the stream cannot be read
     */
    public static String readUtf8(InputStream in, int maxBytes, String source) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new InvalidInputException(source + " is larger than " + size(maxBytes) + ", the most it may hold");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(source + " cannot be read as UTF-8: " + e, e);
        }
    }

    /**
     * Refuses anything but an existing regular file, before anything reads it.
     *
     * @param source what and where the file is, for messages
     */
    static void requireRegularFile(Path file, String source) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(source + " is a directory");
        }
        if (!Files.exists(file)) {
            throw new InvalidInputException(source + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(source + " is not a regular file (a device, pipe or socket); give a file");
        }
    }

    /** A byte count as messages give a cap: "1 MiB (1048576 bytes)", or "100 bytes" below 1 KiB. */
    static String size(int bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB (" + bytes + " bytes)";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB (" + bytes + " bytes)";
        }
        return bytes + " bytes";
    }
}
