package org.sparkdistill.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM on this JVM's class path, with the {@code --add-opens} options this JVM was
 * started with, and waits a bounded time for it to end.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** How a child JVM ended: its exit status and everything it wrote. */
    public record Exit(int status, String out, String err, Duration took) {}

    /**
     * Runs {@code mainClass} with {@code jvmOptions} and {@code args}; its output goes to files in {@code workDir}.
     *
     * @throws AssertionError if it has not ended after {@code timeout}; it is then killed
     */
    public static Exit run(Path workDir, Duration timeout, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(inheritedOptions());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        Path out = workDir.resolve("child.out");
        Path err = workDir.resolve("child.err");
        long started = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " did not end within " + timeout + "; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Exit(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + mainClass, e);
        }
    }

    /** The options of this JVM that open JDK internals to Spark and ND4J. */
    private static List<String> inheritedOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("--add-opens") || option.equals("-XX:+IgnoreUnrecognizedVMOptions")
                        || option.startsWith("-Djdk.reflect.useDirectMethodHandle"))
                .toList();
    }
}
