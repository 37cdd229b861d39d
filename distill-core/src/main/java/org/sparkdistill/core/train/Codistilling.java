package org.sparkdistill.core.train;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.objective.BatchSignals;
import org.sparkdistill.core.objective.TrainingGraph;

/**
 * One group's part in a codistillation run: the copies of the other groups' students, the exchanges that refresh
 * them, and the bytes those exchanges send across groups. Not thread-safe.
 */
final class Codistilling implements AutoCloseable {
    private final WorkerGroups groups;
    private final int exchangeEvery;
    private final double temperature;
    private final OtherGroups others;
    private long crossGroupBytesCounted;

    /** Copies of {@code student}'s architecture for the other groups, refreshed every {@code exchangeEvery} steps. */
    private Codistilling(WorkerGroups groups, int exchangeEvery, double temperature, Model student) {
        this.groups = groups;
        this.exchangeEvery = exchangeEvery;
        this.temperature = temperature;
        this.others = new OtherGroups(student, groups.groupIndex(), groups.groupCount());
        this.crossGroupBytesCounted = groups.bytesSentAcrossGroups();
    }

    /**
     * This group's part in a run that starts after {@code step} steps: from the first step, or resumed from a
     * checkpoint, which falls on an exchange. A resumed group exchanges at once, which gives it the copies the
     * uninterrupted run took at that step: every group resumes from the same step, with the parameters it then had.
     *
     * @throws InvalidInputException when {@code step} is not a multiple of {@code exchangeEvery}
     */
    static Codistilling from(long step, WorkerGroups groups, int exchangeEvery, double temperature,
            TrainingGraph graph) {
        if (step % exchangeEvery != 0) {
            throw new InvalidInputException("a codistillation group resumes only from a step at an exchange: step "
                    + step + " is not a multiple of training.exchangeEvery = " + exchangeEvery);
        }
        Codistilling codistilling = new Codistilling(groups, exchangeEvery, temperature, graph.student());
        if (step > 0) {
            try {
                codistilling.exchange(graph);
            } catch (RuntimeException | Error e) {
                codistilling.close();
                throw e;
            }
        }
        return codistilling;
    }

    /** {@code signals} with the other groups' mean distribution on {@code graph}'s student, once there are copies. */
    BatchSignals signals(TrainingGraph graph, BatchSignals signals, INDArray features) {
        return others.ready() ? signals.withPeerTargets(Map.of(graph.studentGraph().prefix(),
                others.targets(features, temperature))) : signals;
    }

    /** Exchanges the students' parameters when {@code step} steps are done and the interval has come round. */
    void afterStep(long step, TrainingGraph graph) {
        if (step % exchangeEvery == 0) {
            exchange(graph);
        }
    }

    private void exchange(TrainingGraph graph) {
        graph.copyToStudent();
        others.update(groups.exchange(graph.student().params()));
    }

    /** {@code metrics} with the bytes this rank sent to other groups per step since the last call. */
    CommunicationMetrics traffic(CommunicationMetrics metrics) {
        if (metrics == null) {
            return null;
        }
        long sent = groups.bytesSentAcrossGroups();
        double perStep = (double) (sent - crossGroupBytesCounted) / metrics.steps();
        crossGroupBytesCounted = sent;
        return metrics.withTraffic(metrics.bytesSentPerStep(), perStep);
    }

    @Override
    public void close() {
        others.close();
    }
}
