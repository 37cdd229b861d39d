package org.sparkdistill.it.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark installation assembled by the integration-tests build: {@code jars/}, {@code conf/} and {@code RELEASE}.
 *
 * <p>A standalone Worker launches executors through Spark's {@code WorkerCommandBuilder}, which puts
 * {@code $SPARK_HOME/conf} and {@code $SPARK_HOME/jars/*} on the executor's classpath. It asks for the Scala version
 * before it looks for {@code jars/}: from {@code SPARK_SCALA_VERSION} (which {@code bin/load-spark-env.sh} exports in a
 * distribution) or a source build's {@code launcher/target/scala-*}; without either it fails with "Cannot find any build
 * directories". {@code RELEASE} marks a binary distribution for Spark's scripts; the Worker itself does not read it.
 */
public final class SparkHome {
    /** System property naming the directory; the failsafe configuration sets it. */
    public static final String PROPERTY = "cluster.spark.home";

    /** The class {@code bin/spark-submit} runs. */
    public static final String SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";

    private static final Pattern SPARK_CORE_JAR = Pattern.compile("spark-core_(\\d+\\.\\d+)-.*\\.jar");
    private static final String BUILD_COMMAND = "mvn -B -pl integration-tests -am package -DskipTests";

    private final Path path;
    private final String scalaBinaryVersion;

    private SparkHome(Path path, String scalaBinaryVersion) {
        this.path = path;
        this.scalaBinaryVersion = scalaBinaryVersion;
    }

    /** The SPARK_HOME named by {@value #PROPERTY} (default {@code target/spark-home}), checked to be complete. */
    public static SparkHome assembled() {
        return of(Path.of(System.getProperty(PROPERTY, "target/spark-home")).toAbsolutePath().normalize());
    }

    /** The installation at {@code path}; refused with the missing part named when it is incomplete. */
    public static SparkHome of(Path path) {
        for (String part : List.of("RELEASE", "conf/log4j2.properties", "jars")) {
            if (!Files.exists(path.resolve(part))) {
                throw new IllegalStateException("SPARK_HOME " + path + " has no " + part + "; assemble it with: "
                        + BUILD_COMMAND);
            }
        }
        try (Stream<Path> jars = Files.list(path.resolve("jars"))) {
            String scala = jars.map(jar -> SPARK_CORE_JAR.matcher(jar.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("SPARK_HOME " + path + " has no jars/spark-core_*.jar;"
                            + " assemble it with: " + BUILD_COMMAND));
            return new SparkHome(path, scala);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + path.resolve("jars"), e);
        }
    }

    public Path path() {
        return path;
    }

    /** The Scala version of the Spark jars, such as {@code 2.12}. */
    public String scalaBinaryVersion() {
        return scalaBinaryVersion;
    }

    /** The environment every process of the cluster runs with. */
    public Map<String, String> environment() {
        return Map.of("SPARK_HOME", path.toString(), "SPARK_SCALA_VERSION", scalaBinaryVersion);
    }

    /**
     * The command that runs {@code mainClass} on Spark's classpath, as {@code bin/spark-class} would.
     *
     * <p>The JVM gets the {@code --add-opens} options Spark needs on Java 17, the same list that
     * {@code spark-submit} adds to a driver and that the driver's SparkContext adds to every executor.
     */
    public List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
        command.add("-cp");
        command.add(path.resolve("conf") + File.pathSeparator + path.resolve("jars") + File.separator + "*");
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }
}
