package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.data.ExamplesTest.refused;
import static org.sparkdistill.core.data.SpilledShardTest.count;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardBuilderTest {
    private static final Examples ROWS = Shards.examples(30, 3L);
    private static final long ROW_BYTES = 4 * 7;

    @TempDir
    Path spill;

    private ShardBuilder builder(long budget) {
        return new ShardBuilder("rows", Shards.SHAPE, Shards.CLASSES, Shards.ORDER, budget, spill);
    }

    @Test
    void rowsStayInMemoryUpToTheBudgetAndSpillWithTheFirstRowBeyondIt() throws IOException {
        try (ShardBuilder builder = builder(10 * ROW_BYTES + ROW_BYTES - 1)) {
            assertEquals(ROW_BYTES, builder.rowBytes());
            for (int i = 0; i < 10; i++) {
                builder.add(ROWS.row(i), ROWS.labels()[i]);
            }
            assertFalse(builder.spilled());
            assertEquals(0, count(spill));
            builder.add(ROWS.row(10), ROWS.labels()[10]);
            assertTrue(builder.spilled());
            assertEquals(1, count(spill));
            assertEquals(11, builder.rows());
            try (Shard shard = builder.build()) {
                assertInstanceOf(SpilledShard.class, shard);
                assertEquals(11, shard.size());
            }
        }
        assertEquals(0, count(spill));
    }

    @Test
    void aBudgetBelowOneRowSpillsEveryRow() throws IOException {
        try (Shard shard = Shards.build(ROWS.head(1), Shards.ORDER, ROW_BYTES - 1, spill)) {
            assertInstanceOf(SpilledShard.class, shard);
            assertEquals(1, count(spill));
        }
        try (Shard shard = Shards.build(ROWS.head(1), Shards.ORDER, ROW_BYTES, spill)) {
            assertInstanceOf(InMemoryShard.class, shard);
            assertEquals(0, count(spill));
        }
    }

    @Test
    void rowsThatFitStayInMemoryInChunks() throws IOException {
        Examples many = Shards.examples(ShardBuilder.CHUNK_BYTES / 28 * 2 + 5, 4L);
        try (Shard shard = Shards.build(many, Shards.ORDER, Long.MAX_VALUE, spill)) {
            assertInstanceOf(InMemoryShard.class, shard);
            assertEquals(0, count(spill));
            Shards.assertReadsEpochInOrder(many, shard, 1L, 0);
        }
    }

    @Test
    void noRowsMakeAnEmptyShard() {
        try (Shard shard = builder(0).build()) {
            assertEquals(0, shard.size());
            assertEquals(6, shard.featureCount());
        }
    }

    @Test
    void aShardInMemoryOrSpilledNamesItsFirstRowWithoutALabel() {
        for (long budget : new long[] {Long.MAX_VALUE, 0}) {
            try (ShardBuilder builder = builder(budget)) {
                builder.add(ROWS.row(0), 1);
                builder.add(ROWS.row(1), Examples.UNLABELED);
                builder.add(ROWS.row(2), Examples.UNLABELED);
                Shard shard = builder.build();
                try {
                    refused(() -> shard.requireLabelled("training with alpha below 1"), "rows: row 1 has no label,"
                            + " but training with alpha below 1 needs a label on every row");
                } finally {
                    shard.close();
                }
            }
            try (ShardBuilder labelled = builder(budget)) {
                labelled.add(ROWS.row(0), 1);
                Shard shard = labelled.build();
                shard.requireLabelled("anything");
                shard.close();
            }
        }
    }

    @Test
    void aFailureWhileCollectingLeavesNoSpillFile() throws IOException {
        try (ShardBuilder builder = builder(0)) {
            builder.add(ROWS.row(0), 1);
            assertEquals(1, count(spill));
            refused(() -> builder.add(new float[5], 1), "rows: row 1 has 5 features but the shape [3, 2] needs 6");
            refused(() -> builder.add(ROWS.row(1), 4), "rows: label of row 1 is 4, outside [0, 3] for 4 classes");
            refused(() -> builder.add(ROWS.row(1), -2), "label of row 1 is -2");
        }
        assertEquals(0, count(spill));
    }

    @Test
    void badSettingsAreRefusedNamingThem() {
        refused(() -> builder(-1), "rows: memory budget = -1 bytes: must be >= 0");
        refused(() -> new ShardBuilder("rows", new int[0], 4, Shards.ORDER, 0, spill), "row shape []");
        refused(() -> new ShardBuilder("rows", Shards.SHAPE, 1, Shards.ORDER, 0, spill), "numClasses = 1");
        try (ShardBuilder nowhere = new ShardBuilder("rows", Shards.SHAPE, 4, Shards.ORDER, ROW_BYTES, null)) {
            nowhere.add(ROWS.row(0), 0);
            refused(() -> nowhere.add(ROWS.row(1), 0), "row 1 exceeds the memory budget of 1 rows and no spill "
                    + "directory was given");
        }
    }

    @Test
    void aBuiltBuilderTakesNoMoreRows() {
        try (ShardBuilder builder = builder(0)) {
            builder.add(ROWS.row(0), 0);
            try (Shard shard = builder.build()) {
                assertThrows(IllegalStateException.class, () -> builder.add(ROWS.row(1), 0));
                assertThrows(IllegalStateException.class, builder::build);
                assertEquals(1, shard.size());
            }
        }
    }
}
