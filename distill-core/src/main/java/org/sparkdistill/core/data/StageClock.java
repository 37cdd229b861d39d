package org.sparkdistill.core.data;

import org.sparkdistill.core.metrics.StageTimes;

/**
 * Where one pipeline stage's time went: working, waiting for its input, waiting for room to pass on its output.
 * Written by the stage's own thread and read after the thread has stopped or through {@link #snapshot}, whose
 * fields are each read atomically.
 */
final class StageClock {
    private final String name;
    private volatile long items;
    private volatile long busyNanos;
    private volatile long inputStallNanos;
    private volatile long outputStallNanos;

    StageClock(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void busy(long nanos) {
        busyNanos += nanos;
        items++;
    }

    void inputStall(long nanos) {
        inputStallNanos += nanos;
    }

    void outputStall(long nanos) {
        outputStallNanos += nanos;
    }

    StageTimes snapshot() {
        return new StageTimes(name, items, busyNanos / 1e9, inputStallNanos / 1e9, outputStallNanos / 1e9);
    }
}
