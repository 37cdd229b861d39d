package org.sparkdistill.jobs;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.CheckpointStore;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.GroupCheckpoints;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.jobs.spark.BarrierStage;
import org.sparkdistill.jobs.spark.JobDescription;
import org.sparkdistill.jobs.spark.ProgressAccumulators;
import org.sparkdistill.jobs.spark.ProgressPrinter;
import org.sparkdistill.jobs.spark.TaskFailures;

/**
 * Runs the replicas of one {@code distill} as a barrier stage, one task per shard, and runs it again from the last
 * checkpoint when it fails: Spark aborts a failed barrier result stage rather than retrying it, so the driver does.
 *
 * <p>Codistilling groups resume together, each from its own checkpoint of the newest step that every group has
 * (see {@link GroupCheckpoints}). Each attempt gets a fresh group secret. Steps done after the last checkpoint of a failed attempt are done again;
 * their number is logged and returned as a lower bound: rank 0 counts its steps into an accumulator whose value
 * reaches the driver with executor heartbeats, so steps taken after the last heartbeat before a crash are not counted.
 * A failure caused by bad input is not retried.
 */
public final class DataParallelTraining {
    /** The name of the accumulator into which rank 0 counts the optimizer steps of an attempt. */
    public static final String STEP_ACCUMULATOR = ProgressAccumulators.STEPS;
    private static final Logger LOG = LoggerFactory.getLogger(DataParallelTraining.class);

    private DataParallelTraining() {}

    /** The trained student, the number of attempts it took and the steps done again after failures. */
    public record Result(TrainedStudent student, int attempts, long redoneSteps) {}

    /**
     * Trains one student (or one per group) on {@code shards}, one partition per replica with rows sorted by id,
     * resuming from the latest intact checkpoint in {@code store} if there is one (newer damaged ones are skipped with a warning naming the
     * file). The store holds this run's checkpoints only: its key fixes the seed and everything else that shapes the
     * trajectory.
     *
     * @param store where rank 0 (each group's first rank) checkpoints every {@code setup.plan().checkpointEvery()}
     *     steps, or null for nowhere
     * @param maxAttempts how many times to run the barrier stage before giving up
     */
    public static Result run(JavaSparkContext context, JavaRDD<InternalRow> shards, DistillSetup setup, CheckpointStore store,
            int maxAttempts) {
        GroupCheckpoints checkpoints = store == null ? null : new GroupCheckpoints(store, setup.groups());
        long redone = 0;
        long reached = -1;
        for (int attempt = 1; ; attempt++) {
            List<Checkpoints.Checkpoint> resume = checkpoints == null ? List.of()
                    : checkpoints.latest().orElse(List.of());
            long from = resume.isEmpty() ? 0 : resume.get(0).state().step();
            if (attempt == 1 && !resume.isEmpty()) {
                LOG.warn("resuming from checkpoint {}: step {}, {} epoch(s) finished", locate(store, resume), from,
                        resume.get(0).state().epoch());
            }
            if (reached >= 0) {
                // The failed attempt got at least as far as its last checkpoint and its last progress report.
                long reachedAtLeast = Math.max(reached, from);
                redone += reachedAtLeast - from;
                LOG.warn("attempt {} of {} resumes from step {} ({}); the failed attempt had reached at least step {}",
                        attempt, maxAttempts, from, resume.isEmpty() ? "no checkpoint yet" : locate(store, resume),
                        reachedAtLeast);
            }
            ProgressAccumulators accumulators = ProgressAccumulators.register(context.sc());
            ProgressPrinter printer = new ProgressPrinter(accumulators, from, setup.plan().epochs(),
                    (long) setup.plan().batchSize() * shards.getNumPartitions(), System.out::println, System::nanoTime);
            context.sc().addSparkListener(printer);
            try (JobDescription described = JobDescription.of(context.sc(), String.format(Locale.ROOT,
                    "spark-distill distill: training, attempt %d of %d%s: %d epoch(s) on %d worker(s), one barrier"
                            + " stage", attempt, maxAttempts, from == 0 ? "" : " from step " + from,
                    setup.plan().epochs(), shards.getNumPartitions()))) {
                List<TrainedStudent> results = BarrierStage.mapPartitions(shards,
                        new ReplicaTask(setup, store, resume, TcpEndpoint.newSecret(), accumulators),
                        TrainedStudent.class).collect();
                if (attempt > 1) {
                    LOG.warn("training finished on attempt {} of {}; at least {} steps were redone after failures"
                            + " (progress arrives with executor heartbeats, every spark.executor.heartbeatInterval)",
                            attempt, maxAttempts, redone);
                }
                return new Result(results.get(0), attempt, redone);
            } catch (Exception e) {
                InvalidInputException badInput = TaskFailures.badInput(e);
                if (badInput != null) {
                    throw badInput;
                }
                if (attempt >= maxAttempts) {
                    throw new IllegalStateException("training failed in all " + maxAttempts
                            + " attempts (training.attempts); the last failure: " + e.getMessage(), e);
                }
                LOG.warn("training attempt {} of {} failed: {}", attempt, maxAttempts, e.getMessage());
            } finally {
                context.sc().removeSparkListener(printer);
            }
            reached = from + printer.highestSteps();
        }
    }

    /** Where the checkpoints of one step are: the lone student's folder, or every group's. */
    private static String locate(CheckpointStore store, List<Checkpoints.Checkpoint> checkpoints) {
        return String.join(", ", checkpoints.stream().map(checkpoint -> store.locate(checkpoint.name())).toList());
    }
}
