package org.sparkdistill.jobs.spark;

import org.apache.spark.SparkContext;

/**
 * The description Spark's UI shows for the jobs this thread starts, set for as long as this is open and then given
 * back: a notebook's or a caller's own description is restored, never cleared. Never the job group, which Zeppelin
 * and other callers own.
 */
public final class JobDescription implements AutoCloseable {
    /** The local property that holds the description (Spark's {@code SparkContext.SPARK_JOB_DESCRIPTION}). */
    static final String PROPERTY = "spark.job.description";

    private final SparkContext context;
    private final String previous;

    private JobDescription(SparkContext context, String text) {
        this.context = context;
        this.previous = context.getLocalProperty(PROPERTY);
        context.setJobDescription(text);
    }

    /** Describes this thread's jobs as {@code text} until closed. */
    public static JobDescription of(SparkContext context, String text) {
        return new JobDescription(context, text);
    }

    /** Describes the jobs from now on as {@code text}. */
    public void describe(String text) {
        context.setJobDescription(text);
    }

    @Override
    public void close() {
        context.setJobDescription(previous);
    }
}
