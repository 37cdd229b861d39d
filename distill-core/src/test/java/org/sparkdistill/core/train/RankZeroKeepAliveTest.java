package org.sparkdistill.core.train;

import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.InProcessTransport;
import org.sparkdistill.gradients.collective.Ranks;
import org.sparkdistill.gradients.collective.Transport;

/**
 * Rank 0's local work between steps (the end of an epoch, a checkpoint) may last several times the exchange's
 * timeout while the other replicas wait on it in the next step, without failing them.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RankZeroKeepAliveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SLOW = TIMEOUT.multipliedBy(3);
    private static final int WORKERS = 3;
    private static final int SHARD = 40;

    @TempDir
    Path checkpointDirectory;

    @ParameterizedTest
    @ValueSource(strings = {"epoch end", "checkpoint"})
    void replicasWaitForRankZerosSlowWorkAndStayIdentical(String slowWork) {
        List<Transport> transports = InProcessTransport.group(WORKERS, TIMEOUT, 1 << 20);
        Examples heldOut = CheckpointsTest.randomExamples("held-out", 30, 2L);
        TrainingPlan plan = CheckpointsTest.plan();
        List<INDArray> params = Ranks.all(WORKERS, rank -> {
            Examples shard = CheckpointsTest.randomExamples("shard " + rank, SHARD, 10L + rank);
            MultiLayerNetwork student = Networks.mlp(CheckpointsTest.FEATURES, List.of(6), CheckpointsTest.CLASSES,
                    UpdaterKind.ADAM.withLearningRate(0.01), 100L);
            DistillationTrainer trainer = CheckpointsTest.trainer(plan, heldOut);
            AtomicBoolean slowOnce = new AtomicBoolean(true);
            Checkpoints checkpoints = null;
            if (slowWork.equals("epoch end")) {
                trainer.addListener(metrics -> workOnce(slowOnce));
            } else {
                checkpoints = new Checkpoints(new SlowStore(new LocalCheckpointStore(checkpointDirectory), slowOnce));
            }
            try (Communicator group = Communicator.of(transports.get(rank))) {
                trainer.train(student, shard, TrainingState.START, checkpoints, new Replica(group, SHARD));
            }
            return student.params();
        });
        for (int rank = 1; rank < WORKERS; rank++) {
            assertIdentical(params.get(0), params.get(rank), "rank " + rank + " against rank 0");
        }
    }

    /** Stands for slow work the first time: its length is what the test is about, not an event to wait for. */
    private static void workOnce(AtomicBoolean slowOnce) {
        if (slowOnce.getAndSet(false)) {
            try {
                Thread.sleep(SLOW.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A checkpoint store whose first write is slow, as on a busy object store. */
    private record SlowStore(CheckpointStore inner, AtomicBoolean slowOnce) implements CheckpointStore {
        @Override
        public void publish(String name, FolderWriter writer) {
            workOnce(slowOnce);
            inner.publish(name, writer);
        }

        @Override
        public List<String> folders() {
            return inner.folders();
        }

        @Override
        public InputStream open(String name, String file) throws IOException {
            return inner.open(name, file);
        }

        @Override
        public String locate(String name) {
            return inner.locate(name);
        }
    }
}
