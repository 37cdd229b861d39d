package org.sparkdistill.core.metrics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Everything measured of one model's predictions on held-out data: accuracy, overall and per class; agreement with and
 * divergence from a reference (the teachers); and calibration, as an error and as a reliability diagram.
 *
 * @param agreement top-1 agreement with the reference; NaN without one
 * @param teacherKl mean KL(reference ‖ model) in nats; NaN without a reference
 * @param accuracyPerClass by class index; NaN for a class with no held-out rows
 */
public record HeldOutScores(double accuracy, double agreement, double teacherKl, double ece,
                            List<Double> accuracyPerClass, List<ReliabilityBin> reliability) implements Serializable {

    public HeldOutScores {
        accuracyPerClass = List.copyOf(accuracyPerClass);
        reliability = List.copyOf(reliability);
    }

    /**
     * Scores row-major probabilities {@code [N, C]} against {@code labels}, and against {@code reference}
     * probabilities of the same shape unless it is null.
     */
    public static HeldOutScores of(float[] probabilities, float[] reference, int classes, int[] labels) {
        List<ReliabilityBin> bins = ClassificationMetrics.reliability(probabilities, classes, labels);
        return new HeldOutScores(ClassificationMetrics.accuracy(probabilities, classes, labels),
                reference == null ? Double.NaN : ClassificationMetrics.agreement(probabilities, reference, classes),
                reference == null ? Double.NaN : ClassificationMetrics.meanKl(reference, probabilities, classes),
                ClassificationMetrics.expectedCalibrationError(bins),
                Arrays.stream(ClassificationMetrics.accuracyPerClass(probabilities, classes, labels)).boxed().toList(),
                bins);
    }
}
