package org.sparkdistill.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.train.Schedule;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.jobs.DataParallelTraining;
import org.sparkdistill.jobs.DistillSetup;
import org.sparkdistill.jobs.ExchangeSpec;
import org.sparkdistill.jobs.StudentSpec;
import org.sparkdistill.jobs.TeacherSpecs;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.HadoopCheckpointStore;
import org.sparkdistill.jobs.spark.Sessions;
import org.sparkdistill.jobs.spark.ShardStorage;
import org.sparkdistill.jobs.storage.HadoopSettings;

/**
 * Contender (a): spark-distill's synchronous data parallelism, N replicas in one barrier stage averaging gradients
 * with the TCP ring all-reduce before every update, on hard labels (α = 0) so it trains what the baselines train.
 *
 * <p>Each epoch is one barrier stage that resumes from the checkpoint the previous stage wrote at its end; the
 * per-epoch stage launch, rendezvous and checkpoint are on the training clock, as DL4J's per-epoch {@code fit} is.
 * Rank 0 evaluates on a single held-out row only, so evaluation stays off the clock.
 */
public final class SparkDistillDataParallel implements Contender {
    public static final String NAME = "spark-distill";

    private Workload workload;
    private Sessions.Scope session;
    private JavaSparkContext context;
    private JavaRDD<InternalRow> shards;
    private Broadcast<Examples> heldOut;
    private Path checkpoints;
    private int stepsPerEpoch;
    private int epochs;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String settings() {
        return "spark-distill DataParallelTraining on " + context.master() + ", " + workload.workers()
                + " replicas, batch " + workload.batchSize() + " per replica, ring all-reduce over TCP every step, "
                + stepsPerEpoch + " steps per epoch, one barrier stage per epoch";
    }

    @Override
    public void start(Workload workload) {
        this.workload = workload;
        session = Sessions.open("bench " + NAME, workload.master(), java.util.Map.of());
        context = JavaSparkContext.fromSparkContext(session.spark().sparkContext());
        // Spark reuses the internal row objects it hands out, so the cached shards hold copies.
        shards = ExampleFrames.shards(ExampleFrames.toFrame(session.spark(), workload.train()), workload.workers())
                .map(InternalRow::copy).persist(StorageLevel.MEMORY_ONLY());
        int largest = shards.mapPartitions(rows -> {
            int count = 0;
            for (; rows.hasNext(); rows.next()) {
                count++;
            }
            return List.of(count).iterator();
        }).collect().stream().mapToInt(Integer::intValue).max().orElseThrow();
        stepsPerEpoch = (largest + workload.batchSize() - 1) / workload.batchSize();
        heldOut = context.broadcast(workload.train().head(1));
        try {
            checkpoints = Files.createTempDirectory("spark-distill-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a checkpoint directory in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    @Override
    public MultiLayerNetwork trainOneEpoch() {
        epochs++;
        TrainingPlan plan = new TrainingPlan(epochs, workload.batchSize(), workload.seed(), Schedule.constant(1.0),
                Schedule.constant(0.0), stepsPerEpoch);
        Examples train = workload.train();
        DistillSetup setup = new DistillSetup(new DatasetInfo(train.shape(), train.numClasses(), train.size()), plan,
                new StudentSpec(workload.hidden(), workload.updater(), workload.learningRate(),
                        UpdaterKind.LearningRateSchedule.CONSTANT),
                List.of(KnowledgeDistillation.alone()),
                new TeacherSpecs(List.of(), List.of(), List.of(), new double[0], EnsembleWeighting.UNIFORM,
                        HadoopSettings.of(context.hadoopConfiguration())), false, ExchangeSpec.DEFAULT, heldOut, null,
                new ShardStorage(null, ShuffleOrder.DEFAULT));
        context.setJobDescription("bench " + NAME + ": epoch " + epochs);
        try {
            byte[] model = DataParallelTraining.run(context, shards, setup,
                    HadoopCheckpointStore.of(checkpoints.toUri().toString(), context.hadoopConfiguration()), 1)
                    .student().modelZip();
            return ModelZip.of(model, "trained student").multiLayerNetwork(false);
        } finally {
            context.setJobDescription(null);
        }
    }

    @Override
    public void close() {
        try {
            if (shards != null) {
                shards.unpersist(true);
            }
            if (heldOut != null) {
                heldOut.destroy();
            }
            if (checkpoints != null) {
                AtomicDirectory.deleteRecursively(checkpoints);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the checkpoints in " + checkpoints, e);
        } finally {
            if (session != null) {
                session.close();
            }
            session = null;
            context = null;
            shards = null;
            heldOut = null;
            checkpoints = null;
        }
    }
}
