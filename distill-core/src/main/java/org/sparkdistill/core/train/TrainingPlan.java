package org.sparkdistill.core.train;

import org.sparkdistill.core.InvalidInputException;

/**
 * What a training run does: how long, in what batches, from which seed, with which T and α schedules.
 *
 * @param epochs passes over the training data, ≥ 1
 * @param batchSize examples per step, ≥ 1
 * @param seed the seed every random choice of the run derives from
 * @param temperature the softening temperature per step; every value must be &gt; 0
 * @param alpha the weight of the distillation term per step, in [0, 1]
 * @param checkpointEvery write a checkpoint every this many steps; 0 writes none
 * @param pipelineDepth batches each input stage may prepare ahead of the student step; 0 prepares every batch on the
 *     student's thread when it is needed
 */
public record TrainingPlan(int epochs, int batchSize, long seed, Schedule temperature, Schedule alpha,
                           int checkpointEvery, int pipelineDepth) implements java.io.Serializable {
    /** Batches each input stage prepares ahead unless told otherwise. */
    public static final int DEFAULT_PIPELINE_DEPTH = 2;

    /** A plan with the {@link #DEFAULT_PIPELINE_DEPTH default pipeline depth}. */
    public TrainingPlan(int epochs, int batchSize, long seed, Schedule temperature, Schedule alpha,
            int checkpointEvery) {
        this(epochs, batchSize, seed, temperature, alpha, checkpointEvery, DEFAULT_PIPELINE_DEPTH);
    }

    public TrainingPlan {
        if (epochs < 1) {
            throw new InvalidInputException("epochs = " + epochs + ": must be >= 1");
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batchSize = " + batchSize + ": must be >= 1");
        }
        if (checkpointEvery < 0) {
            throw new InvalidInputException("checkpointEvery = " + checkpointEvery + ": must be >= 0");
        }
        if (pipelineDepth < 0) {
            throw new InvalidInputException("pipelineDepth = " + pipelineDepth + ": must be >= 0 (0 turns the input "
                    + "pipeline off)");
        }
        if (temperature == null || alpha == null) {
            throw new InvalidInputException("a training plan needs both a temperature and an alpha schedule");
        }
    }

    /** A plan for plain supervised training on hard labels (α = 0). */
    public static TrainingPlan supervised(int epochs, int batchSize, long seed) {
        return new TrainingPlan(epochs, batchSize, seed, Schedule.constant(1.0), Schedule.constant(0.0), 0);
    }

    /** This plan with {@code depth} as its pipeline depth. */
    public TrainingPlan withPipelineDepth(int depth) {
        return new TrainingPlan(epochs, batchSize, seed, temperature, alpha, checkpointEvery, depth);
    }

    /** Steps per epoch for a training set of {@code examples} rows; the last batch may be smaller. */
    public int stepsPerEpoch(int examples) {
        return (examples + batchSize - 1) / batchSize;
    }
}
