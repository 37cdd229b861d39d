package org.sparkdistill.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * A shard's rows on local disk: fixed-size records in blocks of {@link ShuffleOrder#blockRows()} rows, each block
 * followed by its CRC-32C, after a 32-byte header; written once, front to back, then read a block at a time.
 *
 * <p>Layout, little-endian: the magic {@code SDSHARD1}, the feature count D (int32), the block rows B (int32), the row
 * count N (int64), the CRC-32C of those 24 bytes, 4 zero bytes; then block after block, each of B records (the last
 * block of the remaining rows) and the CRC-32C of its records. A record is D float32 features and the label as an
 * int32, stored as given. A file is deleted by {@link #delete()}, or when the JVM exits if it was not; it is created
 * readable by its owner only. Writing is not thread-safe; {@link #readBlock} may be called from several threads,
 * each with its own buffer.
 */
final class SpillFile {
    static final int HEADER_BYTES = 32;
    private static final byte[] MAGIC = "SDSHARD1".getBytes(StandardCharsets.US_ASCII);
    private static final Set<Path> UNDELETED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SpillFile::deleteUndeleted, "spill-file-cleanup"));
    }

    private final Path path;
    private final FileChannel channel;
    private final int width;
    private final int blockRows;
    private final int recordBytes;
    private long rows;
    private ByteBuffer writeBlock;
    private FloatBuffer writeFloats;
    private int blockFill;
    private volatile boolean deleted;

    private SpillFile(Path path, FileChannel channel, int width, int blockRows) {
        this.path = path;
        this.channel = channel;
        this.width = width;
        this.blockRows = blockRows;
        this.recordBytes = recordBytes(width);
    }

    /** The bytes of one record of {@code width} features. */
    static int recordBytes(int width) {
        return Math.multiplyExact(width + 1, Float.BYTES);
    }

    /** The bytes of a block buffer: {@code blockRows} records and the checksum. */
    static int blockBytes(int width, int blockRows) {
        return Math.addExact(Math.multiplyExact(recordBytes(width), blockRows), Integer.BYTES);
    }

    /** A new, empty spill file in {@code directory} for rows of {@code width} features, {@code blockRows} a block. */
    static SpillFile create(Path directory, int width, int blockRows) {
        Path path;
        try {
            path = Files.createTempFile(directory, "shard-", ".spill");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spill file in " + directory + ": " + e, e);
        }
        UNDELETED.add(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("cannot open spill file " + path + ": " + e, e);
            deleteQuietly(path, failure);
            throw failure;
        }
        SpillFile file = new SpillFile(path, channel, width, blockRows);
        file.writeBlock = ByteBuffer.allocateDirect(blockBytes(width, blockRows)).order(ByteOrder.LITTLE_ENDIAN);
        file.writeFloats = file.writeBlock.asFloatBuffer();
        return file;
    }

    Path path() {
        return path;
    }

    long rows() {
        return rows;
    }

    /** Appends a row: {@code width} features from {@code features[offset..]} and its label. */
    void append(float[] features, int offset, int label) {
        int record = blockFill * (width + 1);
        writeFloats.put(record, features, offset, width);
        writeBlock.putInt((record + width) * Float.BYTES, label);
        blockFill++;
        rows++;
        if (blockFill == blockRows) {
            flushBlock();
        }
    }

    /** Writes the last block and the header; the file can then be read, and no longer appended to. */
    void finish() {
        if (blockFill > 0) {
            flushBlock();
        }
        ByteBuffer header = header(width, blockRows, rows);
        try {
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the header of spill file " + path + ": " + e, e);
        }
        writeBlock = null;
        writeFloats = null;
    }

    /** The number of rows in block {@code block}. */
    int rowsIn(int block) {
        return (int) Math.min(blockRows, rows - (long) block * blockRows);
    }

    /**
     * Reads block {@code block} into {@code into} (a buffer of {@link #blockBytes} bytes) and checks its checksum;
     * the records then start at index 0.
     *
     * @throws SpillFileException when the file ends inside the block or the block's checksum does not match
     */
    void readBlock(int block, ByteBuffer into) {
        int n = rowsIn(block);
        long start = HEADER_BYTES + (long) block * blockBytes(width, blockRows);
        int length = n * recordBytes + Integer.BYTES;
        into.clear().limit(length);
        try {
            while (into.hasRemaining()) {
                if (channel.read(into, start + into.position()) < 0) {
                    throw new SpillFileException("spill file " + path + " ends at byte " + (start + into.position())
                            + ", inside block " + block + " (rows " + (long) block * blockRows + " to "
                            + ((long) block * blockRows + n - 1) + ", bytes " + start + " to " + (start + length - 1)
                            + "): it was truncated after it was written");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read block " + block + " of spill file " + path + ": " + e, e);
        }
        int stored = into.getInt(length - Integer.BYTES);
        into.position(0).limit(length - Integer.BYTES);
        CRC32C crc = new CRC32C();
        crc.update(into);
        if ((int) crc.getValue() != stored) {
            throw new SpillFileException("spill file " + path + ": block " + block + " (rows "
                    + (long) block * blockRows + " to " + ((long) block * blockRows + n - 1) + ") fails its CRC-32C check: it was changed or "
                    + "damaged after it was written");
        }
        into.clear();
    }

    /** A little-endian float view of a block buffer, for reading records' features. */
    static FloatBuffer floats(ByteBuffer block) {
        return block.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /**
     * Checks that the file still has the header and length it was written with.
     *
     * @throws SpillFileException naming what differs
     */
    void verify() {
        ByteBuffer expected = header(width, blockRows, rows);
        ByteBuffer found = ByteBuffer.allocate(HEADER_BYTES);
        long size;
        try {
            size = channel.size();
            while (found.hasRemaining() && channel.read(found, found.position()) >= 0) {
                // reads until full or the end of the file
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the header of spill file " + path + ": " + e, e);
        }
        found.flip();
        if (!found.equals(expected)) {
            throw new SpillFileException("spill file " + path + " does not start with the header it was written with"
                    + " (" + rows + " rows of " + width + " features in blocks of " + blockRows + "): it was changed "
                    + "or damaged after it was written");
        }
        long length = length();
        if (size != length) {
            throw new SpillFileException("spill file " + path + " holds " + size + " bytes but " + rows + " rows of "
                    + width + " features in blocks of " + blockRows + " take " + length + ": it was "
                    + (size < length ? "truncated" : "extended") + " after it was written");
        }
    }

    /** The file's length once finished. */
    long length() {
        long fullBlocks = rows / blockRows;
        long rest = rows % blockRows;
        return HEADER_BYTES + fullBlocks * blockBytes(width, blockRows)
                + (rest == 0 ? 0 : rest * recordBytes + Integer.BYTES);
    }

    /** Closes and deletes the file. Idempotent. */
    void delete() {
        if (deleted) {
            return;
        }
        deleted = true;
        writeBlock = null;
        IOException closing = null;
        try {
            channel.close();
        } catch (IOException e) {
            closing = e;
        }
        try {
            Files.deleteIfExists(path);
            UNDELETED.remove(path);
        } catch (IOException e) {
            if (closing != null) {
                e.addSuppressed(closing);
            }
            throw new UncheckedIOException("cannot delete spill file " + path + ": " + e, e);
        }
        if (closing != null) {
            throw new UncheckedIOException("cannot close spill file " + path + ": " + closing, closing);
        }
    }

    private void flushBlock() {
        int records = blockFill * recordBytes;
        ByteBuffer data = writeBlock.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        data.position(0).limit(records);
        CRC32C crc = new CRC32C();
        crc.update(data);
        writeBlock.putInt(records, (int) crc.getValue());
        ByteBuffer out = writeBlock.duplicate();
        out.position(0).limit(records + Integer.BYTES);
        long block = (rows - 1) / blockRows;
        long start = HEADER_BYTES + block * blockBytes(width, blockRows);
        try {
            while (out.hasRemaining()) {
                channel.write(out, start + out.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block " + block + " of spill file " + path + ": " + e, e);
        }
        blockFill = 0;
    }

    private static ByteBuffer header(int width, int blockRows, long rows) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(width).putInt(blockRows).putLong(rows);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue()).putInt(0);
        return header.flip();
    }

    private static void deleteUndeleted() {
        for (Path path : UNDELETED) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // The JVM is exiting: there is no one left to report to, and the other files are still worth trying.
            }
        }
    }

    private static void deleteQuietly(Path path, Exception cause) {
        try {
            Files.deleteIfExists(path);
            UNDELETED.remove(path);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
