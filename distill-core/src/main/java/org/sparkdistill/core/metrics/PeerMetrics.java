package org.sparkdistill.core.metrics;

import java.io.Serializable;

/**
 * What one of several peer students that train together reached in an epoch, measured on held-out data.
 *
 * @param peer the peer's position, from 0
 * @param accuracy held-out top-1 accuracy
 * @param agreement held-out top-1 agreement with the reference teacher, NaN without one
 * @param teacherKl held-out mean KL(teacher ‖ peer) at T = 1, NaN without a teacher
 * @param ece held-out expected calibration error
 */
public record PeerMetrics(int peer, double accuracy, double agreement, double teacherKl, double ece)
        implements Serializable {

    /** The held-out part of {@code metrics}, an evaluation of peer {@code peer}. */
    public static PeerMetrics of(int peer, EpochMetrics metrics) {
        return new PeerMetrics(peer, metrics.accuracy(), metrics.agreement(), metrics.teacherKl(), metrics.ece());
    }
}
