package org.sparkdistill.jobs;

import org.sparkdistill.jobs.storage.HadoopSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.objective.BatchSignals;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.jobs.cache.CachedRows;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.HadoopCheckpointStore;
import org.sparkdistill.jobs.spark.ShardStorage;

/**
 * What the driver sends to every replica must survive Java serialization, the way Spark ships a task: the copy an
 * executor deserializes starts from the same student and the same progress as the task the driver built.
 */
class ReplicaTaskTest {
    private static final long SEED = 3L;
    private static final int LARGEST_SHARD = 50;

    @TempDir
    Path dir;

    private final DistillSetup setup = new DistillSetup(new DatasetInfo(new int[] {1, 28, 28}, 10, 100),
            TrainingPlan.supervised(2, 16, SEED),
            new StudentSpec(List.of(8), UpdaterKind.ADAM, 0.01, UpdaterKind.LearningRateSchedule.CONSTANT),
            List.of(KnowledgeDistillation.alone()), new TeacherSpecs(List.of(), List.of(), List.of(), new double[0], EnsembleWeighting.UNIFORM,
                    HadoopSettings.of(new Configuration(false))), false,
            new ExchangeSpec("fixed:25", 40, 10, 60), null,
            new CachedRows.Layout("/cache/fashion", 2, 10), new ShardStorage(1L << 20, new ShuffleOrder(64, 512)));

    @Test
    void aTaskResumingFromACheckpointSerializes() throws IOException, ClassNotFoundException {
        HadoopCheckpointStore store = HadoopCheckpointStore.of(dir.toUri().toString(), new Configuration());
        ComputationGraph trained = trainedGraph();
        TrainingProgress progress = new TrainingProgress(new TrainingState(20, 1, 4), 7.25,
                List.of(new EpochMetrics(1, 16, 0.5, 0.25, Double.NaN, Double.NaN, 0.125, 2.0)));
        Checkpoints.Checkpoint checkpoint = new Checkpoints(store).save(trained, progress, SEED);
        ReplicaTask task = new ReplicaTask(setup, store, List.of(checkpoint), TcpEndpoint.newSecret(), null);

        byte[] bytes = serialize(task);
        ReplicaTask copy = deserialize(bytes);

        ComputationGraph resumed = copy.restoredGraph(0);
        Model fresh = copy.startingStudent(LARGEST_SHARD);
        Model expectedFresh = task.startingStudent(LARGEST_SHARD);
        try {
            assertIdentical(trained.params(), resumed.params(), "rank 0's parameters, restored from the checkpoint");
            assertIdentical(trained.getUpdater().getStateViewArray(), resumed.getUpdater().getStateViewArray(),
                    "rank 0's updater state, restored from the checkpoint");
            assertIdentical(expectedFresh.params(), fresh.params(), "another rank's student, built from the seed");
            assertEquals(progress, copy.startingProgress(0), "where the copy resumes");
            assertArrayEquals(bytes, serialize(copy),
                    "the copy serializes to the same bytes: it holds every serialized field unchanged (the group"
                            + " secret, the exchange and cache settings among them)");
        } finally {
            List.<Model>of(trained, resumed, fresh, expectedFresh).forEach(NetworkMemory::release);
        }
    }

    @Test
    void aTaskStartingFreshSerializesAndStartsAtTheFirstStep() throws IOException, ClassNotFoundException {
        ReplicaTask task = new ReplicaTask(setup, null, List.of(), TcpEndpoint.newSecret(), null);
        ReplicaTask copy = deserialize(serialize(task));
        Model leader = copy.startingStudent(LARGEST_SHARD);
        Model expected = task.startingStudent(LARGEST_SHARD);
        try {
            assertIdentical(expected.params(), leader.params(), "rank 0's student without a checkpoint");
            assertEquals(TrainingProgress.START, copy.startingProgress(0));
        } finally {
            List.of(leader, expected).forEach(NetworkMemory::release);
        }
    }

    /**
     * The training graph of a student of {@link #setup}, after three seeded Adam steps on its labels, so that parameters
     * and updater state are set.
     */
    private ComputationGraph trainedGraph() {
        MultiLayerNetwork student = setup.student().build(784, 10, SEED, 100);
        TrainingGraph graph = TrainingGraph.build(student, 784, 10, List.of(KnowledgeDistillation.alone()), SEED);
        Nd4j.getRandom().setSeed(SEED);
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, 784);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 10, 1f);
        }
        for (int step = 0; step < 3; step++) {
            graph.graph().fit(graph.dataSet(features, BatchSignals.labelsOnly(labels)));
        }
        NetworkMemory.release(student);
        return graph.graph();
    }

    private static byte[] serialize(ReplicaTask task) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        return bytes.toByteArray();
    }

    private static ReplicaTask deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (ReplicaTask) in.readObject();
        }
    }
}
