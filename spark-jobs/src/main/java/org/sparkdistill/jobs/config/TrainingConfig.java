package org.sparkdistill.jobs.config;

import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.AdaptivePolicy;
import org.sparkdistill.gradients.partition.PartitionPolicies;

/**
 * Length, batch size, seed, parallelism and recovery of a run.
 *
 * @param batchSize examples per step on each worker; one step consumes {@code workers × batchSize} examples
 * @param seed the one seed every random choice of the run derives from
 * @param workers data-parallel replicas of the student, one Spark barrier task each
 * @param checkpointEvery steps between checkpoints; 0 writes none
 * @param checkpointDirectory a Hadoop file-system URI or path for checkpoints (HDFS, S3A, local); null means the
 *     output directory's sibling {@code <output>.checkpoints}
 * @param attempts how many times the driver runs the training stage, resuming from the last checkpoint after a failure
 * @param gradientBuckets how the replicas cut their gradients into all-reduce buckets: {@code adaptive},
 *     {@code fused}, {@code per-layer}, {@code fixed:<MiB>} or {@code mgwfbp}
 * @param replanEvery steps between reconsiderations of a measured bucket plan ({@code adaptive}, {@code mgwfbp})
 * @param pipelineDepth batches each stage of the executor pipeline (decode, batch, teacher inference) may hold ready
 *     ahead of the student step; 0 runs the stages one after another, without a pipeline
 * @param handshakeTimeout seconds a replica waits for one peer's connection handshake before dropping it
 * @param ioTimeout seconds a replica waits on a peer during an exchange before the attempt fails; a stalled peer
 *     then fails every rank and the driver resumes from the last checkpoint. Rank 0's evaluation and checkpoint
 *     writes keep the others waiting with heartbeats, so they may take longer
 * @param groups how many groups the workers form for codistillation (each trains its own student on its own ring);
 *     1 for plain data parallelism
 * @param exchangeEvery steps between the groups' exchanges of parameters, when there are groups; with groups, every
 *     group's first worker checkpoints its group's student, and {@code checkpointEvery} must be a multiple of it
 */
public record TrainingConfig(int epochs, int batchSize, long seed, int workers, int checkpointEvery,
                             String checkpointDirectory, int attempts, String gradientBuckets, int replanEvery,
                             int pipelineDepth, int handshakeTimeout, int ioTimeout, int groups, int exchangeEvery) {
    static final Field<Integer> EPOCHS = Field.integer("training.epochs", 10, Range.closed(1, 100_000));
    static final Field<Integer> BATCH_SIZE = Field.integer("training.batchSize", 64, Range.closed(1, 65_536));
    static final Field<Long> SEED = Field.anyLong("training.seed", 42L);
    static final Field<Integer> WORKERS = Field.integer("training.workers", 1, Range.closed(1, 4_096));
    static final Field<Integer> CHECKPOINT_EVERY = Field.integer("training.checkpointEvery", 0,
            Range.closed(0, Integer.MAX_VALUE));
    static final Field<String> CHECKPOINT_DIRECTORY = Field.text("training.checkpointDirectory", null);
    static final Field<Integer> ATTEMPTS = Field.integer("training.attempts", 3, Range.closed(1, 100));
    static final Field<String> GRADIENT_BUCKETS = Field.textAccepted("training.gradientBuckets",
            AdaptivePolicy.NAME, PartitionPolicies::parse);
    static final Field<Integer> REPLAN_EVERY = Field.integer("training.replanEvery",
            OverlapSettings.DEFAULT_REPLAN_EVERY, Range.closed(1, 1_000_000));
    static final Field<Integer> PIPELINE_DEPTH = Field.integer("training.pipelineDepth", 2,
            Range.closed(0, Integer.MAX_VALUE));
    static final Field<Integer> HANDSHAKE_TIMEOUT = Field.integer("training.handshakeTimeout", 10,
            Range.closed(1, 3_600));
    static final Field<Integer> IO_TIMEOUT = Field.integer("training.ioTimeout", 60, Range.closed(1, 86_400));
    static final Field<Integer> GROUPS = Field.integer("training.groups", 1, Range.closed(1, 4_096));
    static final Field<Integer> EXCHANGE_EVERY = Field.integer("training.exchangeEvery", 100,
            Range.closed(1, 100_000_000));

    /** Every setting at its default. */
    public static final TrainingConfig DEFAULT = new TrainingConfig(EPOCHS.fallback(), BATCH_SIZE.fallback(),
            SEED.fallback(), WORKERS.fallback(), CHECKPOINT_EVERY.fallback(), CHECKPOINT_DIRECTORY.fallback(),
            ATTEMPTS.fallback(), GRADIENT_BUCKETS.fallback(), REPLAN_EVERY.fallback(), PIPELINE_DEPTH.fallback(),
            HANDSHAKE_TIMEOUT.fallback(), IO_TIMEOUT.fallback(), GROUPS.fallback(), EXCHANGE_EVERY.fallback());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public TrainingConfig {
        epochs = EPOCHS.require(epochs);
        batchSize = BATCH_SIZE.require(batchSize);
        seed = SEED.require(seed);
        workers = WORKERS.require(workers);
        checkpointEvery = CHECKPOINT_EVERY.require(checkpointEvery);
        checkpointDirectory = CHECKPOINT_DIRECTORY.require(checkpointDirectory);
        attempts = ATTEMPTS.require(attempts);
        gradientBuckets = GRADIENT_BUCKETS.require(gradientBuckets);
        replanEvery = REPLAN_EVERY.require(replanEvery);
        pipelineDepth = PIPELINE_DEPTH.require(pipelineDepth);
        handshakeTimeout = HANDSHAKE_TIMEOUT.require(handshakeTimeout);
        ioTimeout = IO_TIMEOUT.require(ioTimeout);
        groups = GROUPS.require(groups);
        exchangeEvery = EXCHANGE_EVERY.require(exchangeEvery);
        if (workers % groups != 0) {
            throw new InvalidInputException(GROUPS.key() + " = " + groups + " does not divide " + WORKERS.key() + " = "
                    + workers + "; every group needs the same number of workers");
        }
        if (groups > 1 && checkpointEvery % exchangeEvery != 0) {
            throw new InvalidInputException(DistillationTrainer.checkpointsOffExchanges(checkpointEvery, exchangeEvery));
        }
    }

    /** Plain data parallelism: one group. */
    public TrainingConfig(int epochs, int batchSize, long seed, int workers, int checkpointEvery,
            String checkpointDirectory, int attempts, String gradientBuckets, int replanEvery, int pipelineDepth,
            int handshakeTimeout, int ioTimeout) {
        this(epochs, batchSize, seed, workers, checkpointEvery, checkpointDirectory, attempts, gradientBuckets,
                replanEvery, pipelineDepth, handshakeTimeout, ioTimeout, GROUPS.fallback(), EXCHANGE_EVERY.fallback());
    }
}
