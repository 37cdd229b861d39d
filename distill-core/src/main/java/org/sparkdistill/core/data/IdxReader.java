package org.sparkdistill.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.sparkdistill.core.InvalidInputException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, a type code, a dimension count, the
 * dimensions as big-endian 32-bit integers, then the data. Files may be gzip-compressed; compression is recognised
 * by its magic bytes, not by the file name. Only unsigned-byte data (type 0x08) is supported.
 *
 * <p>Stateless and thread-safe.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMENSIONS = 4;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /**
     * The contents of an IDX file: its dimensions and its data, one unsigned byte per element in row-major order.
     *
     * @param dims the size of each dimension, all &gt; 0
     * @param data the elements; read each as {@code b & 0xff}
     */
    public record IdxArray(int[] dims, byte[] data) {
        public IdxArray {
            dims = dims.clone();
        }
    }

    /**
     * Reads a whole IDX file, compressed or not.
     *
     * @throws InvalidInputException if the file is missing, unreadable, truncated, longer than its header declares,
     *     or not an unsigned-byte IDX file
     */
    public static IdxArray read(Path file) {
        if (!Files.exists(file)) {
            throw new InvalidInputException("IDX file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("IDX file " + file + " is not a regular file");
        }
        try (DataInputStream in = new DataInputStream(open(file))) {
            int[] dims = readHeader(in, file.toString());
            int expected = elementCount(file, dims);
            // Read in chunks rather than allocating the declared size: a damaged header can claim gigabytes.
            byte[] data = in.readNBytes(expected);
            if (data.length < expected) {
                throw new InvalidInputException("IDX file " + file + " is truncated: dimensions " + Arrays.toString(dims)
                        + " need " + expected + " data bytes but only " + data.length + " are present");
            }
            if (in.read() != -1) {
                throw new InvalidInputException("IDX file " + file + " has bytes after the " + expected
                        + " data bytes its dimensions " + Arrays.toString(dims) + " declare");
            }
            return new IdxArray(dims, data);
        } catch (EOFException | ZipException e) {
            String detail = e.getMessage() == null ? "the data ends early" : e.getMessage();
            throw new InvalidInputException("IDX file " + file + " is truncated or corrupt: " + detail, e);
        } catch (IOException e) {
            throw new InvalidInputException("IDX file " + file + " cannot be read: " + e, e);
        }
    }

    /**
     * Reads an IDX header from {@code in}, leaving the stream at the first data byte, and returns the dimensions.
     *
     * @param file names the file in messages
     * @throws InvalidInputException if the header is not that of an unsigned-byte IDX file of 1 to 4 dimensions, all
     *     &gt; 0, or declares more elements than one array holds
     * @throws IOException if the stream cannot be read, or ends within the header ({@link EOFException})
     */
    public static int[] readHeader(DataInputStream in, String file) throws IOException {
        int zero1 = in.readUnsignedByte();
        int zero2 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int rank = in.readUnsignedByte();
        if (zero1 != 0 || zero2 != 0) {
            throw new InvalidInputException("IDX file " + file + " starts with bytes " + zero1 + ", " + zero2
                    + "; an IDX file starts with two zero bytes");
        }
        if (type != UNSIGNED_BYTE) {
            throw new InvalidInputException(String.format("IDX file %s has data type 0x%02x; only unsigned bytes "
                    + "(0x08) are supported", file, type));
        }
        if (rank < 1 || rank > MAX_DIMENSIONS) {
            throw new InvalidInputException("IDX file " + file + " declares " + rank + " dimensions; expected 1 to "
                    + MAX_DIMENSIONS);
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = in.readInt();
            if (dims[d] <= 0) {
                throw new InvalidInputException("IDX file " + file + " has dimension " + d + " = " + dims[d]
                        + "; every dimension must be > 0");
            }
        }
        elementCount(file, dims);
        return dims;
    }

    /**
     * The stream of {@code raw} decompressed when it starts with gzip's magic bytes, as it is otherwise; buffered.
     */
    public static InputStream decompressing(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    private static int elementCount(Object file, int[] dims) {
        long total = 1;
        for (int d : dims) {
            total *= d;
            // Checked after every factor: four 31-bit dimensions would overflow a long.
            if (total > MAX_ELEMENTS) {
                throw new InvalidInputException("IDX file " + file + " declares dimensions " + Arrays.toString(dims)
                        + ", more than the " + MAX_ELEMENTS + " elements one array can hold");
            }
        }
        return (int) total;
    }

    private static InputStream open(Path file) throws IOException {
        return decompressing(Files.newInputStream(file));
    }
}
