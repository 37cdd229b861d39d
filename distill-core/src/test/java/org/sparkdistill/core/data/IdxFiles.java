package org.sparkdistill.core.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for tests. */
final class IdxFiles {
    private IdxFiles() {}

    static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(type);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /** A gzip-compressed Fashion-MNIST split of {@code count} 28×28 images whose pixels and labels follow the index. */
    static void fashionDirectory(Path dir, String split, int count, int labelCount) throws IOException {
        fashionDirectory(dir, split, count, labelCount, true);
    }

    /**
     * A Fashion-MNIST split of {@code count} 28×28 images and {@code labelCount} labels: image {@code i} has every
     * pixel {@code 10 i} and label {@code i % 10}. Uncompressed files get the names without {@code .gz}.
     */
    static void fashionDirectory(Path dir, String split, int count, int labelCount, boolean gzip) throws IOException {
        byte[] pixels = new byte[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i / (28 * 28) * 10);
        }
        byte[] labels = new byte[labelCount];
        for (int i = 0; i < labelCount; i++) {
            labels[i] = (byte) (i % 10);
        }
        String suffix = gzip ? ".gz" : "";
        write(dir.resolve(split + "-images-idx3-ubyte" + suffix), idx(0x08, new int[] {count, 28, 28}, pixels), gzip);
        write(dir.resolve(split + "-labels-idx1-ubyte" + suffix), idx(0x08, new int[] {labelCount}, labels), gzip);
    }
}
