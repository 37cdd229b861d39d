package org.sparkdistill.bench.buckets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's processor time from the first line of {@code /proc/stat}: every process and the kernel's own
 * work (interrupts and soft interrupts, where the emulated network's packets are switched and shaped), so it sees what
 * the ranks, their communication threads and the links take together.
 *
 * @param busyTicks user, nice, system, irq and softirq ticks summed over all processors
 * @param allTicks busy ticks plus idle, iowait and steal
 */
record ProcessorTime(long busyTicks, long allTicks) {
    private static final Path STAT = Path.of("/proc/stat");

    /** Whether this machine has {@code /proc/stat}; elsewhere the benchmark leaves the processor columns empty. */
    static boolean available() {
        return Files.isReadable(STAT);
    }

    /** The counters now. */
    static ProcessorTime now() {
        try {
            return parse(Files.readAllLines(STAT).get(0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STAT + ": " + e.getMessage(), e);
        }
    }

    /** Reads the aggregate {@code cpu} line of {@code /proc/stat}. */
    static ProcessorTime parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu")) {
            throw new IllegalArgumentException(STAT + ": expected the aggregate 'cpu' line with at least 8 counters, "
                    + "got '" + line + "'");
        }
        long user = Long.parseLong(fields[1]);
        long nice = Long.parseLong(fields[2]);
        long system = Long.parseLong(fields[3]);
        long idle = Long.parseLong(fields[4]);
        long iowait = Long.parseLong(fields[5]);
        long irq = Long.parseLong(fields[6]);
        long softirq = Long.parseLong(fields[7]);
        long steal = Long.parseLong(fields[8]);
        long busy = user + nice + system + irq + softirq;
        return new ProcessorTime(busy, busy + idle + iowait + steal);
    }

    /**
     * The busy processor-seconds between {@code earlier} and this sample, given the wall time between them and the
     * number of processors: the busy share of all ticks times the processor-seconds that passed.
     */
    double busySecondsSince(ProcessorTime earlier, double wallSeconds, int processors) {
        long all = allTicks - earlier.allTicks;
        return all <= 0 ? 0 : (double) (busyTicks - earlier.busyTicks) / all * wallSeconds * processors;
    }
}
