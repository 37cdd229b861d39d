package org.sparkdistill.bench.codistill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * What one group's leader measured at the end of one epoch, the part of {@link EpochMetrics} the benchmark compares.
 *
 * @param epoch 1-based epoch number
 * @param step the group's optimizer steps so far
 * @param accuracy held-out accuracy of the group's student after the epoch
 * @param seconds wall time from the start of training to the end of the epoch's steps: earlier epochs' evaluations
 *     included, this epoch's not ({@link EpochMetrics#seconds()})
 * @param loopSeconds the epoch's step loop on the leader: its steps, their gradient exchanges and, in
 *     codistillation, the other groups' predictions and the parameter exchanges, with the waits for batches in between
 * @param gradientStepSeconds the leader's mean gradient step: forward, backward, the all-reduce it waited for and
 *     the update ({@link CommunicationMetrics#stepSeconds()}), without what the step loop does around it
 * @param bytesSentPerStep payload bytes the leader sent per step to the ranks of its group
 * @param crossGroupBytesPerStep payload bytes the leader sent per step to other groups: 0 without groups
 */
record GroupEpoch(int epoch, long step, double accuracy, double seconds, double loopSeconds,
                  double gradientStepSeconds, double bytesSentPerStep, double crossGroupBytesPerStep) {
    /** Doubles per epoch in the packed form the ranks all-gather. */
    static final int FIELDS = 8;

    GroupEpoch {
        if (epoch < 1 || step < 0) {
            throw new IllegalArgumentException("epoch " + epoch + ", step " + step + ": need epoch >= 1, step >= 0");
        }
    }

    /** The parts of {@code metrics} compared; NaN for what was not measured. */
    static GroupEpoch of(EpochMetrics metrics) {
        CommunicationMetrics communication = metrics.communication();
        double loop = Double.NaN;
        if (metrics.pipeline() != null) {
            StageTimes student = metrics.pipeline().student();
            loop = student.busySeconds() + student.inputStallSeconds();
        }
        return new GroupEpoch(metrics.epoch(), metrics.step(), metrics.accuracy(), metrics.seconds(), loop,
                communication == null ? Double.NaN : communication.stepSeconds(),
                communication == null ? Double.NaN : communication.bytesSentPerStep(),
                communication == null ? Double.NaN : communication.crossGroupBytesPerStep());
    }

    /**
     * {@code history} as {@code maxEpochs} × {@link #FIELDS} doubles, epochs not run as NaN: what one rank contributes
     * to the all-gather, all NaN from a rank that leads no group.
     *
     * @throws IllegalArgumentException when the history has more than {@code maxEpochs} epochs
     */
    static double[] pack(List<GroupEpoch> history, int maxEpochs) {
        if (history.size() > maxEpochs) {
            throw new IllegalArgumentException(history.size() + " epochs do not fit in " + maxEpochs);
        }
        double[] packed = new double[maxEpochs * FIELDS];
        Arrays.fill(packed, Double.NaN);
        for (int e = 0; e < history.size(); e++) {
            GroupEpoch epoch = history.get(e);
            System.arraycopy(new double[] {epoch.epoch, epoch.step, epoch.accuracy, epoch.seconds, epoch.loopSeconds,
                epoch.gradientStepSeconds, epoch.bytesSentPerStep, epoch.crossGroupBytesPerStep}, 0, packed, e * FIELDS, FIELDS);
        }
        return packed;
    }

    /** The history {@link #pack} packed from {@code maxEpochs} × {@link #FIELDS} doubles at {@code offset}. */
    static List<GroupEpoch> unpack(double[] packed, int offset, int maxEpochs) {
        List<GroupEpoch> history = new ArrayList<>();
        for (int e = 0; e < maxEpochs; e++) {
            int at = offset + e * FIELDS;
            if (Double.isNaN(packed[at])) {
                break;
            }
            history.add(new GroupEpoch((int) packed[at], (long) packed[at + 1], packed[at + 2], packed[at + 3],
                    packed[at + 4], packed[at + 5], packed[at + 6], packed[at + 7]));
        }
        return history;
    }
}
