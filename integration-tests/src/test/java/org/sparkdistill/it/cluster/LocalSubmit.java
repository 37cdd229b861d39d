package org.sparkdistill.it.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Submits the application jar through {@code SparkSubmit} to a local master, in a driver JVM of its own started from
 * the assembled SPARK_HOME: the jar as a user runs it on one machine, with none of the build's classes on its class
 * path. Logs go to a new directory under the build's work root.
 */
public final class LocalSubmit {
    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    /** Settings every local submission starts from; those given to {@link #run} override them. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "spark.ui.enabled", "false",
            "spark.driver.host", HOST,
            "spark.driver.memory", "3g",
            "spark.driver.extraJavaOptions", "--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=4G");

    private LocalSubmit() {}

    /**
     * Runs the spark-distill command line with {@code arguments} on {@code local[threads]} and waits for it to exit.
     *
     * @throws IllegalStateException when the driver is still running after {@code timeout}; it is stopped first
     */
    public static Submission run(int threads, List<String> arguments, Map<String, String> conf, Duration timeout) {
        BuildLayout layout = BuildLayout.fromSystemProperties();
        Path directory = layout.newWorkDirectory("local-");
        SubmitCommand command = SubmitCommand.of("local[" + threads + "]", DEFAULTS, conf, layout.applicationJar(),
                arguments);
        Map<String, String> environment = new HashMap<>(layout.sparkHome().environment());
        environment.put("SPARK_LOCAL_IP", HOST);
        environment.put("SPARK_LOCAL_DIRS", directory.resolve("local").toString());
        ClusterProcess driver = ClusterProcess.start("local driver", layout.sparkHome().javaCommand(
                command.jvmOptions(), SparkHome.SUBMIT_CLASS, command.submitArguments()), environment, directory,
                directory.resolve("driver.log"));
        OptionalInt exit = driver.awaitExit(timeout);
        if (exit.isEmpty()) {
            ProcessTrees.stop(List.of(driver.handle()), STOP_GRACE);
            throw new IllegalStateException("spark-submit " + String.join(" ", arguments) + " was still running after "
                    + timeout.toSeconds() + " s and was stopped\n" + driver.describeWithLogTail());
        }
        return new Submission(arguments, exit.getAsInt(), driver.output(), driver.log());
    }
}
