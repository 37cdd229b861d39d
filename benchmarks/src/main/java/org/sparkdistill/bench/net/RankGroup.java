package org.sparkdistill.bench.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The rank processes of one launch: waits for them in the order they exit, and stops the rest when one fails.
 * Thread-safe, so that a shutdown hook can {@link #stop()} them while another thread waits.
 */
final class RankGroup {
    private static final long GRACE_MILLIS = 10_000;

    private final List<Process> processes = new ArrayList<>();
    private final BlockingQueue<Integer> exited = new LinkedBlockingQueue<>();

    /** Starts the next rank's process. */
    synchronized void start(ProcessBuilder builder) throws IOException {
        int rank = processes.size();
        Process process = builder.start();
        processes.add(process);
        process.onExit().thenRun(() -> exited.add(rank));
    }

    /** Waits until every rank has exited; the first to exit with a status other than 0 gets the others stopped. */
    RankExits await() throws InterruptedException {
        List<Process> all = snapshot();
        int failed = -1;
        for (int count = 0; count < all.size(); count++) {
            int rank = exited.take();
            if (failed < 0 && all.get(rank).exitValue() != 0) {
                failed = rank;
                stop();
            }
        }
        List<Integer> codes = new ArrayList<>();
        for (Process process : all) {
            codes.add(process.exitValue());
        }
        return new RankExits(codes, failed);
    }

    /** Ends every rank still running: SIGTERM first, SIGKILL for those still alive after a grace period. */
    void stop() {
        List<Process> all = snapshot();
        all.forEach(Process::destroy);
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        for (Process process : all) {
            try {
                if (!process.waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized List<Process> snapshot() {
        return List.copyOf(processes);
    }
}
