package org.sparkdistill.core.metrics;

import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Measures of a classifier's predicted distributions: accuracy, agreement, KL divergence and calibration error.
 *
 * <p>Probabilities are row-major {@code [N, C]} arrays of rows that each sum to one.
 */
public final class ClassificationMetrics {
    /** The bin count of the expected calibration error, as in Guo et al. */
    public static final int CALIBRATION_BINS = 15;
    private static final double MIN_PROBABILITY = 1e-12;

    private ClassificationMetrics() {}

    /** The fraction of rows whose most probable class is the label. */
    public static double accuracy(float[] probabilities, int classes, int[] labels) {
        requireRows(probabilities, classes, labels.length);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (argMax(probabilities, classes, i) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** For each class, the fraction of its rows whose most probable class is the label; NaN for a class with none. */
    public static double[] accuracyPerClass(float[] probabilities, int classes, int[] labels) {
        requireRows(probabilities, classes, labels.length);
        int[] correct = new int[classes];
        int[] total = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            total[labels[i]]++;
            if (argMax(probabilities, classes, i) == labels[i]) {
                correct[labels[i]]++;
            }
        }
        double[] accuracy = new double[classes];
        for (int c = 0; c < classes; c++) {
            accuracy[c] = total[c] == 0 ? Double.NaN : (double) correct[c] / total[c];
        }
        return accuracy;
    }

    /** Top-1 agreement: the fraction of rows where both distributions rank the same class first (fidelity). */
    public static double agreement(float[] student, float[] teacher, int classes) {
        int rows = requireSameShape(student, teacher, classes);
        int agree = 0;
        for (int i = 0; i < rows; i++) {
            if (argMax(student, classes, i) == argMax(teacher, classes, i)) {
                agree++;
            }
        }
        return (double) agree / rows;
    }

    /** The mean over rows of KL(teacher ‖ student), in nats. */
    public static double meanKl(float[] teacher, float[] student, int classes) {
        int rows = requireSameShape(student, teacher, classes);
        double total = 0;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < classes; c++) {
                double p = teacher[i * classes + c];
                if (p > 0) {
                    total += p * (Math.log(p) - Math.log(Math.max(student[i * classes + c], MIN_PROBABILITY)));
                }
            }
        }
        return total / rows;
    }

    /**
     * Expected calibration error: the gap between confidence and accuracy, averaged over equal-width confidence bins
     * weighted by their share of rows.
     *
     * <p>See: Guo C., Pleiss G., Sun Y., Weinberger K. "On Calibration of Modern Neural Networks", ICML 2017.
     */
    public static double expectedCalibrationError(float[] probabilities, int classes, int[] labels) {
        return expectedCalibrationError(reliability(probabilities, classes, labels));
    }

    /** The expected calibration error of a reliability diagram's bins. */
    public static double expectedCalibrationError(List<ReliabilityBin> bins) {
        long rows = bins.stream().mapToLong(ReliabilityBin::rows).sum();
        double error = 0;
        for (ReliabilityBin bin : bins) {
            if (bin.rows() > 0) {
                error += bin.rows() * Math.abs(bin.confidence() - bin.accuracy()) / rows;
            }
        }
        return error;
    }

    /**
     * The reliability diagram of top-1 predictions: {@value #CALIBRATION_BINS} equal-width bins of confidence, each
     * with its rows' mean confidence and accuracy.
     */
    public static List<ReliabilityBin> reliability(float[] probabilities, int classes, int[] labels) {
        requireRows(probabilities, classes, labels.length);
        double[] confidenceSum = new double[CALIBRATION_BINS];
        int[] correct = new int[CALIBRATION_BINS];
        int[] count = new int[CALIBRATION_BINS];
        for (int i = 0; i < labels.length; i++) {
            int predicted = argMax(probabilities, classes, i);
            double confidence = probabilities[i * classes + predicted];
            int bin = Math.min(CALIBRATION_BINS - 1, (int) (confidence * CALIBRATION_BINS));
            confidenceSum[bin] += confidence;
            count[bin]++;
            if (predicted == labels[i]) {
                correct[bin]++;
            }
        }
        List<ReliabilityBin> bins = new ArrayList<>(CALIBRATION_BINS);
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            bins.add(new ReliabilityBin((double) b / CALIBRATION_BINS, (double) (b + 1) / CALIBRATION_BINS, count[b],
                    count[b] == 0 ? Double.NaN : confidenceSum[b] / count[b],
                    count[b] == 0 ? Double.NaN : (double) correct[b] / count[b]));
        }
        return bins;
    }

    static int argMax(float[] probabilities, int classes, int row) {
        int best = 0;
        int offset = row * classes;
        for (int c = 1; c < classes; c++) {
            if (probabilities[offset + c] > probabilities[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    private static void requireRows(float[] probabilities, int classes, int rows) {
        if (rows == 0) {
            throw new InvalidInputException("metrics need at least one row, but none was given");
        }
        if (probabilities.length != (long) rows * classes) {
            throw new InvalidInputException("probabilities have " + probabilities.length + " values but " + rows
                    + " rows of " + classes + " classes need " + (long) rows * classes);
        }
    }

    private static int requireSameShape(float[] a, float[] b, int classes) {
        if (a.length != b.length || a.length == 0 || a.length % classes != 0) {
            throw new InvalidInputException("distributions of " + a.length + " and " + b.length
                    + " values cannot be compared row by row over " + classes + " classes");
        }
        return a.length / classes;
    }
}
