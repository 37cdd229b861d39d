package org.sparkdistill.bench;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One way of training the benchmark's student, driven epoch by epoch by a {@link Trial}.
 *
 * <p>{@link #start} prepares everything that is not training (sessions, data, the initial model) and is not timed;
 * each {@link #trainOneEpoch} call is timed as training; evaluating the returned model is timed apart. Register a new
 * implementation in {@link Contenders}. Implementations are used from one thread and need not be thread-safe.
 */
public interface Contender extends AutoCloseable {
    /** A short unique name, used on the command line and in tables. */
    String name();

    /** The settings that define this contender in a run, for the report; called after {@link #start}. */
    String settings();

    /** Builds the initial student from {@code workload} and prepares its training data. */
    void start(Workload workload);

    /** Trains one more pass over the training data and returns the model as it now stands. */
    MultiLayerNetwork trainOneEpoch();

    /** Releases what {@link #start} opened; safe to call after {@code start} failed partway. */
    @Override
    void close();
}
