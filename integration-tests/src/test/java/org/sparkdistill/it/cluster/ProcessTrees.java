package org.sparkdistill.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Stops processes together with their descendants: TERM first, KILL for what is left after a grace period. */
final class ProcessTrees {
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private ProcessTrees() {}

    /** The given processes and all their live descendants, each once, roots first. */
    static List<ProcessHandle> withDescendants(Collection<ProcessHandle> roots) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        return new ArrayList<>(all);
    }

    /**
     * Stops the trees under {@code roots} and waits for every process in them to exit.
     *
     * <p>TERM lets Spark's shutdown hooks run (a Worker's hook stops its executors, a driver's deletes its temporary
     * directories); KILL follows after {@code grace}.
     *
     * @throws IllegalStateException naming the processes still alive after KILL
     */
    static void stop(Collection<ProcessHandle> roots, Duration grace) {
        List<ProcessHandle> all = withDescendants(roots);
        all.forEach(ProcessHandle::destroy);
        List<ProcessHandle> left = awaitExit(all, grace);
        left.forEach(ProcessHandle::destroyForcibly);
        left = awaitExit(left, KILL_WAIT);
        if (!left.isEmpty()) {
            throw new IllegalStateException("processes still alive " + KILL_WAIT.toSeconds() + " s after KILL: "
                    + describe(left));
        }
    }

    /** Sends KILL to the trees under {@code roots} without waiting: the last resort of a JVM that is exiting. */
    static void kill(Collection<ProcessHandle> roots) {
        withDescendants(roots).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Sends {@code signal} (a name {@code kill} accepts, such as STOP or CONT) to one process.
     *
     * @throws IllegalStateException when {@code kill} fails, with what it printed
     */
    static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run kill -" + signal + " " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal + " to " + process.pid(), e);
        }
    }

    /** Waits up to {@code timeout} for all of {@code handles} to exit and returns those still alive. */
    static List<ProcessHandle> awaitExit(List<ProcessHandle> handles, Duration timeout) {
        CompletableFuture<?>[] exits = handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(exits).completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        return handles.stream().filter(ProcessHandle::isAlive).toList();
    }

    /** Pids and command lines, one process a line. */
    static String describe(Collection<ProcessHandle> handles) {
        return handles.stream()
                .map(h -> "\n  pid " + h.pid() + ": " + h.info().commandLine().orElse("(command line unknown)"))
                .collect(Collectors.joining());
    }
}
