package org.sparkdistill.it.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One JVM of a cluster (master, worker or driver) with its standard output and error in one log file. */
public final class ClusterProcess {
    private static final int TAIL_BYTES = 16 * 1024;

    private final String name;
    private final Process process;
    private final Path log;

    private ClusterProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code directory} with {@code environment} added to this JVM's environment minus its
     * Spark and Hadoop variables, so that the cluster does not depend on how the tests were launched.
     */
    public static ClusterProcess start(String name, List<String> command, Map<String, String> environment, Path directory,
            Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("SPARK_") || key.startsWith("HADOOP_")
                || key.startsWith("YARN_"));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(directory);
            return new ClusterProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " with " + command, e);
        }
    }

    String name() {
        return name;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** The exit status, or empty when the process is still running after {@code timeout}. */
    public OptionalInt awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this, e);
        }
    }

    /** The whole log, as the process wrote it so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the log of " + this + ": " + log, e);
        }
    }

    /** This process's name and state, then the last lines of its log. */
    String describeWithLogTail() {
        String state = process.isAlive() ? "running" : "exited with status " + process.exitValue();
        String tail = tail(log);
        return "--- " + this + ", " + state + ", last lines of " + log + ":\n" + (tail.isBlank() ? "(empty)\n" : tail);
    }

    /** The last few kilobytes of a text file, from the first line that starts in them. */
    static String tail(Path file) {
        if (!Files.isRegularFile(file)) {
            return "(no file " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return start == 0 ? text : text.substring(text.indexOf('\n') + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
