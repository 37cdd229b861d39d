package org.sparkdistill.jobs.config;

/** Length, batch size, seed and checkpoint interval of a run; {@code checkpointEvery} = 0 writes no checkpoints. */
public record TrainingConfig(int epochs, int batchSize, long seed, int checkpointEvery) {
    public static final Range EPOCHS = Range.closed(1, 100_000);
    public static final Range BATCH_SIZE = Range.closed(1, 65_536);
    public static final Range CHECKPOINT_EVERY = Range.closed(0, Integer.MAX_VALUE);
    public static final Range SEED = Range.closed(Long.MIN_VALUE, Long.MAX_VALUE);
    public static final TrainingConfig DEFAULT = new TrainingConfig(10, 64, 42L, 0);

    public TrainingConfig {
        EPOCHS.require("training.epochs", epochs);
        BATCH_SIZE.require("training.batchSize", batchSize);
        CHECKPOINT_EVERY.require("training.checkpointEvery", checkpointEvery);
    }
}
