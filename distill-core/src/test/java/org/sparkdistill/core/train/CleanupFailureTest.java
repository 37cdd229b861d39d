package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.gradients.collective.CollectiveException;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.DyingTransport;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

/**
 * A replica whose exchange fails during a step and whose clean-up then fails too throws the step's failure, with the
 * clean-up's among its suppressed exceptions; the other replicas fail at once instead of waiting for their timeout.
 *
 * <p>The clean-up that {@link DistillationTrainer#train} runs is closing its {@link BucketedGradientAverager} (stopping
 * the exchange's all-reduce thread and putting the training graph's original layers back), then giving the training
 * graph its own listeners back and freeing its memory. The transport is not part of it (the caller's
 * {@link Communicator} closes that), so the failing clean-up is the training graph refusing its listeners back.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CleanupFailureTest {
    private static final int WORKERS = 3;
    private static final int DYING = 1;
    private static final int SHARD = 40;
    /** Far longer than the test: a rank that failed by timeout, not because its peer closed, would show in its message. */
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String ALL_REDUCE_THREAD = "spark-distill all-reduce";

    @Test
    void theStepFailureIsThrownWithTheCleanupFailureSuppressedAndNoOtherRankHangs() {
        List<Transport> transports = InProcessTransport.group(WORKERS, TIMEOUT, 1 << 20);
        Examples heldOut = CheckpointsTest.randomExamples("held-out", 30, 2L);
        TrainingPlan plan = CheckpointsTest.plan();
        AtomicReference<DyingTransport> dying = new AtomicReference<>();
        AtomicReference<ListenerRestoreFailingGraph> failingGraph = new AtomicReference<>();

        List<Ranks.Outcome<Object>> outcomes = Ranks.run(WORKERS, rank -> {
            Examples shard = CheckpointsTest.randomExamples("shard " + rank, SHARD, 10L + rank);
            MultiLayerNetwork student = Networks.mlp(CheckpointsTest.FEATURES, List.of(6), CheckpointsTest.CLASSES,
                    UpdaterKind.ADAM.withLearningRate(0.01), 100L);
            Transport transport = transports.get(rank);
            ListenerRestoreFailingGraph failing = null;
            if (rank == DYING) {
                failing = new ListenerRestoreFailingGraph(TrainingGraph.build(student, CheckpointsTest.FEATURES,
                        CheckpointsTest.CLASSES, List.of(KnowledgeDistillation.alone()), plan.seed()).graph(), rank);
                failingGraph.set(failing);
                // It dies in the first exchange not made by the training thread: the all-reduce of a gradient bucket,
                // which the all-reduce thread sends while the step's backward pass runs.
                Thread training = Thread.currentThread();
                DyingTransport dies = new DyingTransport(transport, () -> Thread.currentThread() != training);
                dying.set(dies);
                transport = dies;
            }
            try (Communicator group = Communicator.of(transport)) {
                DistillationTrainer trainer = CheckpointsTest.trainer(plan, heldOut);
                if (failing == null) {
                    trainer.train(student, shard, TrainingState.START, null, new Replica(group, SHARD));
                } else {
                    trainer.resume(failing, student, InMemoryShard.of(shard), TrainingProgress.START, null,
                            new Replica(group, SHARD));
                }
            }
            return null;
        });

        Throwable failure = outcomes.get(DYING).failure();
        assertNotNull(failure, "rank " + DYING + " must fail");
        CollectiveException death = dying.get().death();
        assertNotNull(death, "rank " + DYING + "'s transport never died: the test injected nothing");
        assertSame(death, failure, "rank " + DYING + " must throw the step's failure, not the clean-up's: " + failure);
        IllegalStateException cleanupFailure = failingGraph.get().restoreFailure();
        assertNotNull(cleanupFailure, "rank " + DYING + "'s clean-up never tried to give the graph its listeners back");
        assertArrayEquals(new Throwable[] {cleanupFailure}, failure.getSuppressed(),
                "the clean-up's failure must be suppressed into the step's");

        for (int rank = 0; rank < WORKERS; rank++) {
            if (rank == DYING) {
                continue;
            }
            Throwable other = outcomes.get(rank).failure();
            assertNotNull(other, "rank " + rank + " must fail when rank " + DYING + " dies");
            assertInstanceOf(CollectiveException.class, other, "rank " + rank);
            assertTrue(other.getMessage().contains("closed the connection"),
                    "rank " + rank + " must fail because a peer closed, not by timeout: " + other.getMessage());
            assertEquals(0, other.getSuppressed().length, "rank " + rank + "'s clean-up must succeed");
        }

        // Closing the exchange before the failing restore stopped every rank's all-reduce thread.
        List<String> running = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(ALL_REDUCE_THREAD))
                .map(Thread::getName).toList();
        assertEquals(List.of(), running, "all-reduce threads left running");
    }

    /**
     * A student that takes the backward observer's layer wrappers but refuses to take its original layers back, so
     * closing the observer, part of the trainer's clean-up, fails.
     */
    /** A training graph that refuses to take its own listeners back once it has computed a gradient. */
    private static final class ListenerRestoreFailingGraph extends ComputationGraph {
        private final int rank;
        private boolean fitted;
        private IllegalStateException restoreFailure;

        ListenerRestoreFailingGraph(ComputationGraph built, int rank) {
            super(built.getConfiguration().clone());
            this.rank = rank;
            init(built.params(), true);
        }

        IllegalStateException restoreFailure() {
            return restoreFailure;
        }

        @Override
        public void computeGradientAndScore() {
            fitted = true;
            super.computeGradientAndScore();
        }

        @Override
        public void setListeners(Collection<TrainingListener> listeners) {
            if (!fitted) {
                super.setListeners(listeners);
                return;
            }
            restoreFailure = new IllegalStateException("rank " + rank + " could not take its listeners back");
            throw restoreFailure;
        }
    }
}
