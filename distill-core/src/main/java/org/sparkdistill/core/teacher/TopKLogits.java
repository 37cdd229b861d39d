package org.sparkdistill.core.teacher;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkdistill.core.InvalidInputException;

/**
 * One example's raw (temperature-free) logits, kept whole or cut down to the k largest.
 *
 * <p>Cut down, a row keeps the k largest logits with their class indices, largest first (ties go to the lower
 * index), and the log-sum-exp of the other C − k logits, its {@code tail}. {@link #expand} gives each of those C − k
 * classes the same logit {@code tail − log(C − k)}: at T = 1 the probability mass of the tail is then exactly the
 * original one, and at every temperature it is spread evenly over the classes that were left out. The k kept logits
 * come back unchanged, so when k ≥ C − 1 the reconstruction is exact up to float rounding of the tail, and a row kept
 * whole ({@link #compress} with k ≥ C) comes back bit for bit.
 *
 * <p>Immutable: the arrays are copied in and out.
 *
 * @param numClasses C, ≥ 1
 * @param indices the classes of the kept logits, largest logit first, each in {@code [0, C)} and distinct; null when
 *     the row is kept whole
 * @param values the kept logits, finite: {@code C} of them in class order when whole, else one per index
 * @param tail the log-sum-exp of the logits left out, finite; NaN when the row is kept whole
 */
public record TopKLogits(int numClasses, int[] indices, float[] values, float tail) implements Serializable {
    public TopKLogits {
        if (numClasses < 1) {
            throw new InvalidInputException("numClasses = " + numClasses + ": must be >= 1");
        }
        if (values == null) {
            throw new InvalidInputException("logits need values; got none");
        }
        requireFinite(values);
        if (indices == null) {
            if (values.length != numClasses) {
                throw new InvalidInputException("full logits hold " + values.length + " values but there are "
                        + numClasses + " classes");
            }
            if (!Float.isNaN(tail)) {
                throw new InvalidInputException("full logits have no tail, but tail = " + tail + " was given");
            }
        } else {
            if (indices.length != values.length) {
                throw new InvalidInputException("top-k logits hold " + indices.length + " indices but "
                        + values.length + " values; they must be as many");
            }
            if (indices.length < 1 || indices.length >= numClasses) {
                throw new InvalidInputException("top-k logits keep " + indices.length + " of " + numClasses
                        + " classes; they must keep between 1 and " + (numClasses - 1) + " (all " + numClasses
                        + " are kept as full logits)");
            }
            boolean[] seen = new boolean[numClasses];
            for (int index : indices) {
                if (index < 0 || index >= numClasses) {
                    throw new InvalidInputException("top-k logits name class " + index + ", outside [0, "
                            + (numClasses - 1) + "]");
                }
                if (seen[index]) {
                    throw new InvalidInputException("top-k logits name class " + index + " twice");
                }
                seen[index] = true;
            }
            if (!Float.isFinite(tail)) {
                throw new InvalidInputException("top-k logits need a finite tail (the log-sum-exp of the other "
                        + (numClasses - indices.length) + " logits), but tail = " + tail);
            }
            indices = indices.clone();
        }
        values = values.clone();
    }

    /**
     * Keeps the {@code k} largest of {@code logits} and the log-sum-exp of the rest, or all of them when k ≥ C.
     *
     * @throws InvalidInputException when k &lt; 1, there are no logits, or a logit is NaN or infinite
     */
    public static TopKLogits compress(float[] logits, int k) {
        if (k < 1) {
            throw new InvalidInputException("k = " + k + ": must be >= 1 (the number of largest logits kept per row)");
        }
        if (logits.length == 0) {
            throw new InvalidInputException("a row of logits must hold at least one value, but it is empty");
        }
        requireFinite(logits);
        int classes = logits.length;
        if (k >= classes) {
            return new TopKLogits(classes, null, logits, Float.NaN);
        }
        int[] top = largest(logits, k);
        boolean[] kept = new boolean[classes];
        float[] values = new float[k];
        for (int i = 0; i < k; i++) {
            kept[top[i]] = true;
            values[i] = logits[top[i]];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            if (!kept[j]) {
                max = Math.max(max, logits[j]);
            }
        }
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            if (!kept[j]) {
                sum += Math.exp(logits[j] - max);
            }
        }
        return new TopKLogits(classes, top, values, (float) (max + Math.log(sum)));
    }

    /** The indices of the k largest values, largest first, the lower index first among equal values. */
    private static int[] largest(float[] logits, int k) {
        int[] top = new int[k];
        int filled = 0;
        for (int j = 0; j < logits.length; j++) {
            // A later index enters only if strictly larger, so among equal values the lower index ranks first.
            if (filled == k && logits[j] <= logits[top[k - 1]]) {
                continue;
            }
            int at = filled == k ? k - 1 : filled++;
            while (at > 0 && logits[top[at - 1]] < logits[j]) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = j;
        }
        return top;
    }

    private static void requireFinite(float[] logits) {
        for (int j = 0; j < logits.length; j++) {
            if (!Float.isFinite(logits[j])) {
                throw new InvalidInputException("the logit of class " + j + " is " + logits[j]
                        + "; a teacher's logits must be finite");
            }
        }
    }

    /** True when the row holds all C logits and no tail. */
    public boolean full() {
        return indices == null;
    }

    /** How many logits the row keeps: C when full, else k. */
    public int kept() {
        return values.length;
    }

    @Override
    public int[] indices() {
        return indices == null ? null : indices.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** All C logits, the left-out classes sharing the tail evenly. */
    public float[] expand() {
        float[] out = new float[numClasses];
        expandInto(out, 0);
        return out;
    }

    /** Writes all C logits into {@code out[offset .. offset + C)}. */
    public void expandInto(float[] out, int offset) {
        if (indices == null) {
            System.arraycopy(values, 0, out, offset, numClasses);
            return;
        }
        float spread = (float) (tail - Math.log(numClasses - indices.length));
        Arrays.fill(out, offset, offset + numClasses, spread);
        for (int i = 0; i < indices.length; i++) {
            out[offset + indices[i]] = values[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopKLogits other && numClasses == other.numClasses && Arrays.equals(indices, other.indices)
                && Arrays.equals(values, other.values) && Float.compare(tail, other.tail) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * numClasses + Arrays.hashCode(indices)) + Arrays.hashCode(values)) + Float.hashCode(tail);
    }

    @Override
    public String toString() {
        return full() ? "TopKLogits(full " + Arrays.toString(values) + ")"
                : "TopKLogits(" + numClasses + " classes, top " + Arrays.toString(indices) + " = "
                        + Arrays.toString(values) + ", tail " + tail + ")";
    }
}
