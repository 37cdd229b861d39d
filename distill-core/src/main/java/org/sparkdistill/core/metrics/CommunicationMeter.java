package org.sparkdistill.core.metrics;

import org.sparkdistill.gradients.overlap.StepReport;

/** Sums the {@link StepReport}s of an epoch's steps into {@link CommunicationMetrics}. Not thread-safe. */
public final class CommunicationMeter {
    private final int ranks;
    private long steps;
    private double forward;
    private double backward;
    private double optimizer;
    private double communication;
    private double communicationCpu;
    private double exposed;
    private double tail;
    private double groupTail;
    private double bytes;
    private double predictedTail;
    private double predictionError;
    private long predictionErrors;
    private int planChanges;
    private String plan;

    /** A meter for a group of {@code ranks} replicas, which sets the bus-bandwidth factor 2(N−1)/N. */
    public CommunicationMeter(int ranks) {
        this.ranks = ranks;
    }

    /** Adds one step: its exchange report and the seconds its updater took. */
    public void add(StepReport report, double optimizerSeconds) {
        String stepPlan = report.plan().toString();
        if (plan != null && !stepPlan.equals(plan)) {
            planChanges++;
        }
        plan = stepPlan;
        steps++;
        forward += report.forwardSeconds();
        backward += report.backwardSeconds();
        optimizer += optimizerSeconds;
        communication += report.communicationSeconds();
        communicationCpu += report.communicationCpuSeconds();
        exposed += report.exposedSeconds();
        tail += report.tailSeconds();
        groupTail += report.groupTailSeconds();
        bytes += report.bytes();
        predictedTail += report.predictedTailSeconds();
        double error = report.communicationPredictionError();
        if (!Double.isNaN(error)) {
            predictionError += Math.abs(error);
            predictionErrors++;
        }
    }

    /** The means over the steps added since the last {@link #reset}, or null if there were none. */
    public CommunicationMetrics summary() {
        if (steps == 0) {
            return null;
        }
        double busFactor = 2.0 * (ranks - 1) / ranks;
        return new CommunicationMetrics(steps, forward / steps, backward / steps, optimizer / steps,
                communication / steps, communicationCpu / steps, exposed / steps, tail / steps, groupTail / steps,
                communication > 0 ? 1 - exposed / communication : Double.NaN,
                communication > 0 ? busFactor * bytes / communication : Double.NaN, plan, planChanges,
                predictedTail / steps, predictionErrors > 0 ? predictionError / predictionErrors : Double.NaN);
    }

    /** Starts a new epoch; the plan in force is remembered so a change at the epoch's first step still counts. */
    public void reset() {
        steps = 0;
        forward = backward = optimizer = communication = communicationCpu = exposed = tail = bytes = predictedTail = 0;
        predictionError = groupTail = 0;
        predictionErrors = 0;
        planChanges = 0;
    }
}
