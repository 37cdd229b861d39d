package org.sparkdistill.jobs.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.data.ShardBuilder;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.teacher.CachedSoftLabels;
import org.sparkdistill.core.teacher.EnsembleMixture;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.jobs.spark.ExampleFrames;

/** Reading a shard's cache columns, as {@link ExampleFrames#readInternalRows} hands them over after the join. */
class CachedRowsTest {
    static final CachedRows.Layout LAYOUT = new CachedRows.Layout("/cache/c", 1, 3);

    static GenericInternalRow row(long id, float[] values, int[] indices, Float tail) {
        return new GenericInternalRow(new Object[] {id, UnsafeArrayData.fromPrimitiveArray(new float[] {id, 0f}), 1,
            values == null ? null : UnsafeArrayData.fromPrimitiveArray(values),
            indices == null ? null : UnsafeArrayData.fromPrimitiveArray(indices), tail});
    }

    @Test
    void wholeAndTopKRowsBecomeTheShardsSoftLabels() {
        CachedRows cached = new CachedRows(LAYOUT);
        Shard shard;
        try (ShardBuilder builder = new ShardBuilder("shard", new int[] {2}, 3, ShuffleOrder.DEFAULT, Long.MAX_VALUE,
                null)) {
            ExampleFrames.readInternalRows("shard", List.<org.apache.spark.sql.catalyst.InternalRow>of(
                    row(4, new float[] {1f, 2f, 3f}, null, null), row(9, new float[] {5f}, new int[] {2}, 0.5f))
                    .iterator(), new int[] {2}, cached, builder::add);
            shard = builder.build();
        }
        assertEquals(2, shard.size());
        CachedSoftLabels labels = cached.softLabels(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 1), shard);
        INDArray logits = labels.logits(0, new int[] {1, 0});
        float spread = (float) (0.5 - Math.log(2));
        assertArrayEquals(new float[] {spread, spread, 5f}, logits.getRow(0).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {1f, 2f, 3f}, logits.getRow(1).toFloatVector(), 0f);
        assertEquals(List.of("t0_values", "t0_indices", "t0_tail"), LAYOUT.columns());
    }

    @Test
    void aTrainingRowWithoutCacheRowIsRefusedNamingItsId() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new CachedRows(LAYOUT).read(12, row(12, null, null, null), ExampleFrames.FIRST_EXTRA_COLUMN));
        assertEquals("training row with id 12 has no row in the soft-label cache /cache/c (column t0_values is empty"
                + " after joining by id); the cache was written for other rows", e.getMessage());
    }

    @Test
    void anIdReadTwiceInARowIsRefusedNamingIt() {
        CachedRows cached = new CachedRows(LAYOUT);
        cached.read(3, row(3, new float[] {1f, 2f, 3f}, null, null), ExampleFrames.FIRST_EXTRA_COLUMN);
        cached.read(4, row(4, new float[] {1f, 2f, 3f}, null, null), ExampleFrames.FIRST_EXTRA_COLUMN);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> cached.read(4, row(4, new float[] {1f, 2f, 3f}, null, null), ExampleFrames.FIRST_EXTRA_COLUMN));
        assertEquals("training row id 4 occurs twice in a shard joined by id to the soft-label cache /cache/c; ids"
                + " must be unique in the training table and in the cache", e.getMessage());
        CachedRows first = new CachedRows(LAYOUT);
        first.read(0, row(0, new float[] {1f, 2f, 3f}, null, null), ExampleFrames.FIRST_EXTRA_COLUMN);
        assertThrows(InvalidInputException.class,
                () -> first.read(0, row(0, new float[] {1f, 2f, 3f}, null, null), ExampleFrames.FIRST_EXTRA_COLUMN));
    }

    @Test
    void anUnreadableCacheRowIsRefusedNamingTheCacheTheRowAndTheTeacher() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new CachedRows(LAYOUT)
                .read(7, row(7, new float[] {1f, 2f}, new int[] {0, 5}, 1f), ExampleFrames.FIRST_EXTRA_COLUMN));
        assertEquals("soft-label cache /cache/c, row with id 7, teacher 0 (t0_*): top-k logits name class 5, outside"
                + " [0, 2]", e.getMessage());
    }
}
