package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertCloseRelativeToMove;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.MutualLearning;
import org.sparkdistill.core.objective.Students;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

/**
 * Peers that learn from each other (deep mutual learning) train as one data-parallel student: a residual CNN and an
 * MLP side by side, on labels and on each other's predictions.
 */
class PeerTrainingTest {
    private static final int WORKERS = 2;
    private static final int BATCH_PER_WORKER = 8;
    private static final double TOLERANCE = 1e-5;
    private static final List<DistillationObjective> OBJECTIVES = List.of(KnowledgeDistillation.alone(),
            new MutualLearning(1.0, 2.0));

    /** A residual ComputationGraph CNN and a one-hidden-layer MLP, different architectures on the same images. */
    private static List<Model> peers(long seed, boolean adam) {
        return List.of(Students.residual(adam ? new Adam(0.01) : new Sgd(0.1), seed),
                Networks.mlp(Students.FEATURES, List.of(16), Students.CLASSES, adam ? new Adam(0.01) : new Sgd(0.1),
                        seed + 1));
    }

    /** Labels and mutual learning alone: no teacher, α = 0. */
    private static DistillationTrainer trainer(TrainingPlan plan) {
        Examples heldOut = GraphStudentTrainingTest.images("held-out", 60, 2L);
        return new DistillationTrainer(plan, SoftTargetSource.HARD_LABELS, Evaluator.labelsOnly(heldOut), OBJECTIVES);
    }

    private static TrainingPlan plan(int epochs, int batchSize) {
        return new TrainingPlan(epochs, batchSize, 99L, Schedule.constant(1.0), Schedule.constant(0.0), 0);
    }

    @Test
    void twoWorkersTrainingPeersTakeTheStepsOfOneWorkerOnTheConcatenatedBatch() {
        // Every shard is one batch, so each epoch is one step over the same rows on both sides.
        Examples all = GraphStudentTrainingTest.images("train", WORKERS * BATCH_PER_WORKER, 4L);
        List<Model> alone = peers(23L, false);
        List<INDArray> start = alone.stream().map(peer -> peer.params().dup()).toList();
        trainer(plan(6, all.size())).trainPeers(alone, InMemoryShard.of(all), TrainingProgress.START, null,
                Replica.alone(all.size()));
        List<Transport> transports = InProcessTransport.group(WORKERS, Duration.ofMinutes(1), 1 << 20);
        List<List<INDArray>> results = Ranks.all(WORKERS, rank -> {
            Examples shard = all.select(IntStream.range(rank * BATCH_PER_WORKER, (rank + 1) * BATCH_PER_WORKER)
                    .toArray());
            List<Model> replica = peers(23L, false);
            try (Communicator group = Communicator.of(transports.get(rank))) {
                trainer(plan(6, BATCH_PER_WORKER)).trainPeers(replica, InMemoryShard.of(shard),
                        TrainingProgress.START, null, new Replica(group, BATCH_PER_WORKER,
                                DataParallelTest.settings(new DataParallelTest.AdaptiveOnAFixedProfile(1e-3, 0, 0))));
            }
            return replica.stream().map(Model::params).toList();
        });
        for (int peer = 0; peer < 2; peer++) {
            for (int rank = 0; rank < WORKERS; rank++) {
                assertCloseRelativeToMove(start.get(peer), alone.get(peer).params(), results.get(rank).get(peer),
                        TOLERANCE, "peer " + peer + " on rank " + rank + " against one worker on both shards");
            }
            assertIdentical(results.get(0).get(peer), results.get(1).get(peer), "peer " + peer + ", rank 1 against 0");
        }
    }

    /** Images whose class is the brighter third of the rows: a signal both a CNN and an MLP learn quickly. */
    static Examples bands(String name, int rows, long seed) {
        return GraphStudentTrainingTest.images(name, rows, seed, 1f, (pixel, label) -> Math.min(Students.CLASSES - 1,
                (pixel / Students.SIDE) * Students.CLASSES / Students.SIDE) == label);
    }

    @Test
    void peersOfDifferentArchitecturesEachLearnAndEveryEpochReportsEveryPeer() {
        Examples data = bands("train", 120, 7L);
        List<Model> peers = List.of(Students.cnn(new Adam(0.01), 31L),
                Networks.mlp(Students.FEATURES, List.of(16), Students.CLASSES, new Adam(0.01), 32L));
        List<INDArray> start = peers.stream().map(peer -> peer.params().dup()).toList();
        Examples heldOut = bands("held-out", 60, 2L);
        List<EpochMetrics> history = new DistillationTrainer(plan(4, 16), SoftTargetSource.HARD_LABELS,
                Evaluator.labelsOnly(heldOut), OBJECTIVES).trainPeers(peers, InMemoryShard.of(data),
                TrainingProgress.START, null, Replica.alone(data.size()));
        assertEquals(4, history.size());
        for (EpochMetrics epoch : history) {
            assertEquals(List.of(0, 1), epoch.peers().stream().map(PeerMetrics::peer).toList());
            PeerMetrics kept = epoch.peers().get(epoch.peer());
            assertEquals(kept.accuracy(), epoch.accuracy(), "epoch " + epoch.epoch() + " describes the kept peer");
            assertTrue(epoch.peers().stream().allMatch(p -> p.accuracy() <= kept.accuracy()),
                    "the kept peer is the most accurate: " + epoch.peers());
        }
        EpochMetrics last = history.get(history.size() - 1);
        for (int peer = 0; peer < 2; peer++) {
            assertNotEquals(start.get(peer), peers.get(peer).params(), "peer " + peer + " trained");
            assertTrue(last.peers().get(peer).accuracy() > 0.6, "peer " + peer + " learns the three classes (chance "
                    + "is 1/3): " + last.peers());
        }
    }

    @Test
    void aGivenPeerIsKeptWhateverItsAccuracy() {
        Examples data = GraphStudentTrainingTest.images("train", 48, 8L);
        List<EpochMetrics> history = trainer(plan(2, 16)).keepPeer(new PeerChoice(1)).trainPeers(peers(5L, true),
                InMemoryShard.of(data), TrainingProgress.START, null, Replica.alone(data.size()));
        for (EpochMetrics epoch : history) {
            assertEquals(1, epoch.peer());
            assertEquals(epoch.peers().get(1).accuracy(), epoch.accuracy());
        }
    }

    @Test
    void aPeerListOfOneAndMutualLearningAloneAreRefusedByName() {
        Examples data = GraphStudentTrainingTest.images("train", 16, 9L);
        InvalidInputException one = assertThrows(InvalidInputException.class, () -> trainer(plan(1, 8))
                .trainPeers(List.of(Students.residual(new Sgd(0.1), 1L)), InMemoryShard.of(data),
                        TrainingProgress.START, null, Replica.alone(data.size())));
        assertTrue(one.getMessage().contains("two or more students, got 1"), one.getMessage());
        InvalidInputException alone = assertThrows(InvalidInputException.class,
                () -> trainer(plan(1, 8)).train(Students.residual(new Sgd(0.1), 1L), data));
        assertTrue(alone.getMessage().contains("objective 'mutual' learns from other peers"), alone.getMessage());
    }
}
