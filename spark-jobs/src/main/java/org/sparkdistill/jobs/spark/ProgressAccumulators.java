package org.sparkdistill.jobs.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * How the training task reports its progress to the driver while it runs: accumulators, whose values executors send
 * with every heartbeat ({@code spark.executor.heartbeatInterval}), so the driver hears of them without waiting for the
 * stage to end.
 *
 * @param steps the optimizer steps rank 0 has taken in this attempt
 * @param totalSteps the steps of the whole run, added once by rank 0
 * @param lossSum the sum of rank 0's training losses over those steps
 * @param epochs one line per finished epoch, with its held-out metrics
 */
public record ProgressAccumulators(LongAccumulator steps, LongAccumulator totalSteps, DoubleAccumulator lossSum,
                                   CollectionAccumulator<String> epochs) implements Serializable {
    /** The name of the accumulator into which rank 0 counts the optimizer steps of an attempt. */
    public static final String STEPS = "spark-distill steps";

    /** New accumulators of one attempt, registered with {@code context}. */
    public static ProgressAccumulators register(SparkContext context) {
        return new ProgressAccumulators(context.longAccumulator(STEPS),
                context.longAccumulator("spark-distill total steps"),
                context.doubleAccumulator("spark-distill loss sum"),
                context.collectionAccumulator("spark-distill epochs"));
    }
}
