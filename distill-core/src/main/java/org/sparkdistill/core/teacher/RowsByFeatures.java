package org.sparkdistill.core.teacher;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;

/**
 * Finds rows of a batch among the rows of a shard by their features, compared bit for bit.
 *
 * <p>Each shard row is indexed by a 64-bit hash of its features; a batch row is looked up by its hash, then checked
 * value by value against the candidates. Among equal rows the first in shard order is returned. Immutable once built.
 */
final class RowsByFeatures {
    private final Examples shard;
    /** The shard rows' hashes in ascending order, and the row each belongs to. */
    private final long[] hashes;
    private final int[] positions;

    private RowsByFeatures(Examples shard, long[] hashes, int[] positions) {
        this.shard = shard;
        this.hashes = hashes;
        this.positions = positions;
    }

    static RowsByFeatures of(Examples shard) {
        int width = shard.featureCount();
        long[] byRow = new long[shard.size()];
        for (int r = 0; r < byRow.length; r++) {
            byRow[r] = hash(shard.features(), r * width, width);
        }
        int[] positions = IntStream.range(0, byRow.length).boxed()
                .sorted(Comparator.<Integer>comparingLong(r -> byRow[r]).thenComparingInt(r -> r))
                .mapToInt(Integer::intValue).toArray();
        long[] hashes = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            hashes[i] = byRow[positions[i]];
        }
        return new RowsByFeatures(shard, hashes, positions);
    }

    /**
     * The shard position of each row of {@code features}, {@code [N, D]}.
     *
     * @throws InvalidInputException naming the batch row when it is not a row of the shard
     */
    int[] rowsOf(INDArray features) {
        int width = shard.featureCount();
        if (features.rank() != 2 || features.size(1) != width) {
            throw new InvalidInputException("a batch of shape " + Arrays.toString(features.shape())
                    + " cannot come from " + shard + ", whose rows hold " + width + " values");
        }
        float[] batch = features.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] rows = new int[(int) features.size(0)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = find(batch, i * width, width);
            if (rows[i] < 0) {
                throw new InvalidInputException("batch row " + i + " is not a row of " + shard
                        + ": no row has the same features, so it has no cached logits");
            }
        }
        return rows;
    }

    private int find(float[] batch, int offset, int width) {
        long hash = hash(batch, offset, width);
        int at = Arrays.binarySearch(hashes, hash);
        if (at < 0) {
            return -1;
        }
        while (at > 0 && hashes[at - 1] == hash) {
            at--;
        }
        for (; at < hashes.length && hashes[at] == hash; at++) {
            if (Arrays.equals(shard.features(), positions[at] * width, (positions[at] + 1) * width, batch, offset,
                    offset + width)) {
                return positions[at];
            }
        }
        return -1;
    }

    private static long hash(float[] values, int offset, int width) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = offset; i < offset + width; i++) {
            h = (h ^ Float.floatToRawIntBits(values[i])) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h;
    }
}
