package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spilled shard reads, epoch after epoch, exactly the rows an in-memory shard gives in the same order. */
class SpilledShardTest {
    private static final Examples ROWS = Shards.examples(203, 5L);
    private static final int ROW_BYTES = 4 * 7;
    private static final int BATCH = 16;

    @TempDir
    Path spill;

    /** Every batch of epochs 0 to 2, as {@link Shard.EpochRows} gives them from {@code from} on. */
    private static float[][] epochs(Shard shard, int from, int rows) {
        float[][] batches = new float[3][];
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = shard.epochOrder(31L, epoch);
            float[] all = new float[rows * 7];
            try (Shard.EpochRows reader = shard.rows(31L, epoch, from)) {
                for (int start = 0; start < rows; start += BATCH) {
                    int n = Math.min(BATCH, rows - start);
                    int[] positions = new int[n];
                    for (int i = 0; i < n; i++) {
                        positions[i] = order[(from + start + i) % order.length];
                    }
                    float[] features = new float[n * 6];
                    int[] labels = new int[n];
                    reader.read(positions, features, labels);
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(features, i * 6, all, (start + i) * 7, 6);
                        all[(start + i) * 7 + 6] = labels[i];
                    }
                }
            }
            batches[epoch] = all;
        }
        return batches;
    }

    /** The rows of the epochs read straight from the examples' arrays. */
    private static float[][] expected(int from, int rows) {
        float[][] batches = new float[3][];
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = Shards.ORDER.epoch(ROWS.size(), 31L, epoch);
            float[] all = new float[rows * 7];
            for (int k = 0; k < rows; k++) {
                int p = order[(from + k) % order.length];
                System.arraycopy(ROWS.features(), p * 6, all, k * 7, 6);
                all[k * 7 + 6] = ROWS.labels()[p];
            }
            batches[epoch] = all;
        }
        return batches;
    }

    private static void assertSameBits(float[][] expected, float[][] actual, String what) {
        for (int epoch = 0; epoch < expected.length; epoch++) {
            float[] e = expected[epoch];
            float[] a = actual[epoch];
            assertArrayEquals(bits(e), bits(a), what + ", epoch " + epoch);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        Arrays.setAll(bits, i -> Float.floatToRawIntBits(values[i]));
        return bits;
    }

    @Test
    void everyBudgetGivesTheSameBatchesBitForBitInEveryEpoch() {
        for (long budget : new long[] {0, 50L * ROW_BYTES, 203L * ROW_BYTES, Long.MAX_VALUE}) {
            try (Shard shard = Shards.build(ROWS, Shards.ORDER, budget, spill)) {
                assertEquals(budget < 203L * ROW_BYTES, shard instanceof SpilledShard, "budget " + budget);
                assertSameBits(expected(0, 203), epochs(shard, 0, 203), "budget " + budget);
            }
        }
        try (Shard examples = InMemoryShard.of(ROWS, Shards.ORDER)) {
            assertSameBits(expected(0, 203), epochs(examples, 0, 203), "examples");
        }
    }

    @Test
    void aReaderStartedMidEpochContinuesTheSameOrder() {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill)) {
            for (int from : new int[] {1, 7, 8, 100, 183, 202}) {
                assertSameBits(expected(from, 203 - from), epochs(shard, from, 203 - from), "from " + from);
            }
        }
    }

    @Test
    void readingPastTheLastRowStartsTheEpochsOrderAgain() {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill)) {
            assertSameBits(expected(0, 250), epochs(shard, 0, 250), "250 of 203 rows");
            assertSameBits(expected(210, 40), epochs(shard, 210, 40), "from 210 of 203 rows");
        }
    }

    @Test
    void aShardSmallerThanABlockAndTheBufferSpillsAndReadsBack() {
        Examples few = Shards.examples(5, 8L);
        try (Shard shard = Shards.build(few, Shards.ORDER, 0, spill)) {
            Shards.assertReadsEpochInOrder(few, shard, 2L, 0);
        }
    }

    @Test
    void rowsAskedOutOfTheOrderAreRefusedNamingBoth() {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill);
                Shard.EpochRows reader = shard.rows(31L, 0, 0)) {
            int[] order = shard.epochOrder(31L, 0);
            int[] wrong = {order[1]};
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> reader.read(wrong, new float[6], new int[1]));
            assertTrue(e.getMessage().contains("asks for shard row " + order[1] + " but row 0 of the epoch's order is "
                    + "shard row " + order[0]), e.getMessage());
        }
    }

    @Test
    void closingDeletesTheSpillFile() throws IOException {
        Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill);
        Path file = ((SpilledShard) shard).path();
        assertTrue(Files.isRegularFile(file));
        assertEquals(spill, file.getParent());
        shard.close();
        shard.close();
        assertEquals(0, count(spill));
    }

    @Test
    void aTruncatedFileIsNamedWithTheBytesItLacks() throws IOException {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill)) {
            Path file = ((SpilledShard) shard).path();
            long length = Files.size(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(length - 10);
            }
            SpillFileException e = assertThrows(SpillFileException.class, () -> shard.rows(31L, 0, 0));
            assertTrue(e.getMessage().contains(file + " holds " + (length - 10) + " bytes but 203 rows of 6 features in "
                    + "blocks of 8 take " + length + ": it was truncated"), e.getMessage());
        }
    }

    @Test
    void aDamagedBlockFailsItsChecksumNamingTheBlockAndRows() throws IOException {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill)) {
            Path file = ((SpilledShard) shard).path();
            long blockBytes = 8L * ROW_BYTES + 4;
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                long at = SpillFile.HEADER_BYTES + 3 * blockBytes + 5;
                raw.seek(at);
                int b = raw.read();
                raw.seek(at);
                raw.write(b ^ 0x10);
            }
            SpillFileException e = assertThrows(SpillFileException.class, () -> epochs(shard, 0, 203));
            assertTrue(e.getMessage().contains(file + ": block 3 (rows 24 to 31) fails its CRC-32C check"),
                    e.getMessage());
        }
    }

    @Test
    void aChangedHeaderIsRefused() throws IOException {
        try (Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill)) {
            Path file = ((SpilledShard) shard).path();
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                raw.seek(8);
                raw.write(7);
            }
            SpillFileException e = assertThrows(SpillFileException.class, () -> shard.rows(31L, 0, 0));
            assertTrue(e.getMessage().contains("does not start with the header it was written with (203 rows of 6 "
                    + "features in blocks of 8)"), e.getMessage());
        }
    }

    @Test
    void labelsAreStoredAsGivenNegativeOnesIncluded() {
        SpillFile file = SpillFile.create(spill, 2, 3);
        try {
            for (int r = 0; r < 4; r++) {
                file.append(new float[] {r, -r}, 0, r - 2);
            }
            file.finish();
            file.verify();
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(SpillFile.blockBytes(2, 3))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            file.readBlock(1, block);
            assertEquals(1, file.rowsIn(1));
            assertEquals(3f, SpillFile.floats(block).get(0));
            assertEquals(-3f, SpillFile.floats(block).get(1));
            assertEquals(1, block.getInt(8));
            file.readBlock(0, block);
            assertEquals(-2, block.getInt(8));
            assertEquals(-1, block.getInt(20));
            assertEquals(SpillFile.HEADER_BYTES + 3 * 12 + 4 + 12 + 4, file.length());
        } finally {
            file.delete();
        }
    }

    @Test
    void aClosedShardCannotBeRead() {
        Shard shard = Shards.build(ROWS, Shards.ORDER, 0, spill);
        shard.close();
        assertInstanceOf(RuntimeException.class, assertThrows(RuntimeException.class, () -> shard.rows(31L, 0, 0)));
    }

    static long count(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
