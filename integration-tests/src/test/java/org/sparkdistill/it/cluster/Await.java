package org.sparkdistill.it.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Polls a condition of a cluster until it holds; gives up as soon as one of the cluster's processes exits, or when a
 * deadline passes, with the last lines of every process's log.
 */
public final class Await {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private Await() {}

    /** One look at the condition: its value once it holds, otherwise what was seen instead. */
    public record Look<T>(Optional<T> value, String seen) {
        public static <T> Look<T> holds(T value) {
            return new Look<>(Optional.of(value), "");
        }

        public static <T> Look<T> notYet(String seen) {
            return new Look<>(Optional.empty(), seen);
        }
    }

    /**
     * Looks until the condition holds and returns its value.
     *
     * @param goal what is awaited, for the error message: "2 workers ALIVE"
     * @param processes the processes that must stay alive meanwhile
     * @throws IllegalStateException when one of {@code processes} exits first or {@code timeout} passes
     */
    public static <T> T until(String goal, Duration timeout, List<ClusterProcess> processes, Supplier<Look<T>> look) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<?> anyExit = CompletableFuture.anyOf(
                processes.stream().map(ClusterProcess::onExit).toArray(CompletableFuture[]::new));
        while (true) {
            Look<T> seen = look.get();
            if (seen.value().isPresent()) {
                return seen.value().get();
            }
            Optional<ClusterProcess> exited = processes.stream().filter(process -> !process.isAlive()).findFirst();
            if (exited.isPresent()) {
                throw new IllegalStateException(exited.get() + " exited while waiting for " + goal + "; last seen: "
                        + seen.seen() + logs(processes));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + goal + " after " + timeout.toMillis() / 1000.0
                        + " s; last seen: " + seen.seen() + logs(processes));
            }
            // A pause between looks that ends early if a process exits.
            anyExit.copy().completeOnTimeout(null, POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    private static String logs(List<ClusterProcess> processes) {
        return processes.stream().map(ClusterProcess::describeWithLogTail).collect(Collectors.joining("\n", "\n", ""));
    }
}
