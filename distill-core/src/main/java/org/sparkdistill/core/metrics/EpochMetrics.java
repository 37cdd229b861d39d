package org.sparkdistill.core.metrics;

import java.io.Serializable;
import java.util.List;

/**
 * What one epoch of training reached, measured on held-out data.
 *
 * @param epoch 1-based epoch number
 * @param step optimizer steps taken so far
 * @param trainLoss mean training loss over the epoch's steps
 * @param accuracy held-out top-1 accuracy
 * @param agreement held-out top-1 agreement with the reference teacher, NaN without one
 * @param teacherKl held-out mean KL(teacher ‖ student) at T = 1, NaN without a teacher
 * @param ece held-out expected calibration error
 * @param seconds wall time since the run started
 * @param communication where rank 0's steps spent their time exchanging gradients, or null for a single replica
 * @param pipeline where rank 0's input stages and student step spent the epoch, or null when not measured
 * @param peer where peers train together, the peer that the held-out fields describe (the one the run keeps); 0 for
 *     a lone student
 * @param peers where peers train together, every peer's held-out metrics in peer order; empty for a lone student
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
                           double ece, double seconds, CommunicationMetrics communication, PipelineMetrics pipeline,
                           int peer, List<PeerMetrics> peers)
        implements Serializable {

    public EpochMetrics {
        peers = List.copyOf(peers);
    }

    /** The metrics of an epoch of a lone student. */
    public EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
            double ece, double seconds, CommunicationMetrics communication, PipelineMetrics pipeline) {
        this(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, communication, pipeline, 0, List.of());
    }

    /** The metrics of an epoch trained without exchanging gradients or measuring the input pipeline. */
    public EpochMetrics(int epoch, long step, double trainLoss, double accuracy, double agreement, double teacherKl,
            double ece, double seconds) {
        this(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, null, null);
    }

    /** These metrics with {@code metrics} as the epoch's communication. */
    public EpochMetrics withCommunication(CommunicationMetrics metrics) {
        return new EpochMetrics(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, metrics, pipeline,
                peer, peers);
    }

    /** These metrics with {@code metrics} as the epoch's input pipeline times. */
    public EpochMetrics withPipeline(PipelineMetrics metrics) {
        return new EpochMetrics(epoch, step, trainLoss, accuracy, agreement, teacherKl, ece, seconds, communication,
                metrics, peer, peers);
    }

    /**
     * These metrics with {@code peers} as every peer's, the held-out fields taken from peer {@code peer}'s.
     *
     * @throws IllegalArgumentException when {@code peer} is not among {@code peers}
     */
    public EpochMetrics withPeers(int peer, List<PeerMetrics> peers) {
        PeerMetrics kept = peers.stream().filter(p -> p.peer() == peer).findFirst().orElseThrow(
                () -> new IllegalArgumentException("peer " + peer + " is not among the " + peers.size() + " peers"));
        return new EpochMetrics(epoch, step, trainLoss, kept.accuracy(), kept.agreement(), kept.teacherKl(), kept.ece(),
                seconds, communication, pipeline, peer, peers);
    }
}
