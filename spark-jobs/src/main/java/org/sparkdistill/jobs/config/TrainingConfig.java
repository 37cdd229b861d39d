package org.sparkdistill.jobs.config;

/**
 * Length, batch size, seed and checkpoint interval of a run.
 *
 * @param seed the one seed every random choice of the run derives from
 * @param checkpointEvery steps between checkpoints; 0 writes none
 */
public record TrainingConfig(int epochs, int batchSize, long seed, int checkpointEvery) {
    static final Field<Integer> EPOCHS = Field.integer("training.epochs", 10, Range.closed(1, 100_000));
    static final Field<Integer> BATCH_SIZE = Field.integer("training.batchSize", 64, Range.closed(1, 65_536));
    static final Field<Long> SEED = Field.anyLong("training.seed", 42L);
    static final Field<Integer> CHECKPOINT_EVERY = Field.integer("training.checkpointEvery", 0,
            Range.closed(0, Integer.MAX_VALUE));

    /** Every setting at its default. */
    public static final TrainingConfig DEFAULT = new TrainingConfig(EPOCHS.fallback(), BATCH_SIZE.fallback(),
            SEED.fallback(), CHECKPOINT_EVERY.fallback());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public TrainingConfig {
        epochs = EPOCHS.require(epochs);
        batchSize = BATCH_SIZE.require(batchSize);
        seed = SEED.require(seed);
        checkpointEvery = CHECKPOINT_EVERY.require(checkpointEvery);
    }
}
