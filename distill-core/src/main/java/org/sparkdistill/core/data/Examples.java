package org.sparkdistill.core.data;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkdistill.core.InvalidInputException;

/**
 * Labelled examples held in memory: row-major features {@code [N, D]}, one label per row, and the shape of a row.
 *
 * <p>The feature and label arrays are kept as given, not copied, so that a training set is not held twice; treat them
 * as read-only. Unmodified, an instance is safe to share between threads. Equality compares contents.
 *
 * @param name what the examples are, for messages (a file or a split)
 * @param features {@code N × D} values, row after row, where {@code D} is the product of {@code shape}
 * @param labels class of each row, in {@code [0, numClasses)}, or {@link #UNLABELED} for a row of an unlabeled
 *     transfer set
 * @param shape the shape of one example, such as {@code [1, 28, 28]} for an image or {@code [D]} for a vector
 * @param numClasses the number of classes, ≥ 2
 */
public record Examples(String name, float[] features, int[] labels, int[] shape, int numClasses) implements Serializable {
    /** The label of a row that has none: a teacher labels it, so it may be trained on only at α = 1. */
    public static final int UNLABELED = -1;

    public Examples {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("examples need a non-blank name; got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        if (features == null || labels == null) {
            throw new InvalidInputException(name + ": features and labels are required; got features "
                    + (features == null ? "null" : features.length + " values") + " and labels "
                    + (labels == null ? "null" : labels.length + " values"));
        }
        if (shape == null || shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
            throw new InvalidInputException(name + ": example shape " + Arrays.toString(shape)
                    + " must have at least one dimension, all > 0");
        }
        if (numClasses < 2) {
            throw new InvalidInputException(name + ": numClasses = " + numClasses + ": must be >= 2");
        }
        long width = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (features.length != labels.length * width) {
            throw new InvalidInputException(name + ": " + features.length + " feature values do not make "
                    + labels.length + " rows of shape " + Arrays.toString(shape) + " (" + labels.length * width + " values)");
        }
        for (int i = 0; i < labels.length; i++) {
            requireLabel(name, i, labels[i], numClasses);
        }
        shape = shape.clone();
    }

    /**
     * Checks the label of row {@code row} of {@code name}.
     *
     * @throws InvalidInputException naming the row and the valid classes when the label is neither one of them nor
     *     {@link #UNLABELED}
     */
    public static void requireLabel(String name, long row, int label, int numClasses) {
        if (label < UNLABELED || label >= numClasses) {
            throw new InvalidInputException(name + ": label of row " + row + " is " + label + ", outside [0, "
                    + (numClasses - 1) + "] for " + numClasses + " classes (or " + UNLABELED + " for no label)");
        }
    }

    /** The number of rows, {@code N}. */
    public int size() {
        return labels.length;
    }

    /** True when every row has a label, none {@link #UNLABELED}. */
    public boolean labelled() {
        return Arrays.stream(labels).noneMatch(label -> label == UNLABELED);
    }

    /**
     * Refuses examples with an unlabeled row.
     *
     * @param use what needs the labels, for the message, e.g. "test accuracy"
     * @throws InvalidInputException naming the examples, the first unlabeled row and {@code use}
     */
    public void requireLabelled(String use) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == UNLABELED) {
                throw new InvalidInputException(name + ": row " + i + " has no label, but " + use
                        + " needs a label on every row");
            }
        }
    }

    /** The number of values in one row, {@code D}. */
    public int featureCount() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** The first {@code n} rows; {@code this} when {@code n} is the size. */
    public Examples head(int n) {
        if (n < 0 || n > size()) {
            throw new InvalidInputException(name + ": cannot take the first " + n + " of " + size() + " rows");
        }
        if (n == size()) {
            return this;
        }
        return new Examples(name, Arrays.copyOf(features, n * featureCount()), Arrays.copyOf(labels, n), shape, numClasses);
    }

    /** A copy of the given rows, in the given order; a row may appear more than once. */
    public Examples select(int[] rows) {
        int width = featureCount();
        float[] selected = new float[rows.length * width];
        int[] selectedLabels = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] < 0 || rows[r] >= size()) {
                throw new InvalidInputException(name + ": row " + rows[r] + " is outside [0, " + (size() - 1) + "]");
            }
            System.arraycopy(features, rows[r] * width, selected, r * width, width);
            selectedLabels[r] = labels[rows[r]];
        }
        return new Examples(name, selected, selectedLabels, shape, numClasses);
    }

    /** A copy of row {@code i}'s features. */
    public float[] row(int i) {
        if (i < 0 || i >= size()) {
            throw new InvalidInputException(name + ": row " + i + " is outside [0, " + (size() - 1) + "]");
        }
        int width = featureCount();
        return Arrays.copyOfRange(features, i * width, (i + 1) * width);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Examples other && name.equals(other.name) && numClasses == other.numClasses
                && Arrays.equals(shape, other.shape) && Arrays.equals(labels, other.labels)
                && Arrays.equals(features, other.features);
    }

    /** Hashes the name, shape and labels; features are left out because hashing millions of floats is slow. */
    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "Examples(" + name + ", " + size() + " rows of shape " + Arrays.toString(shape) + ", " + numClasses
                + " classes)";
    }
}
