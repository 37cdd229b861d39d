package org.sparkdistill.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build put what a cluster runs: the assembled SPARK_HOME, the shaded application jar, and the directory
 * under which each cluster keeps its logs and work directories.
 *
 * <p>The failsafe configuration of the integration-tests module sets the system properties; the defaults are the same
 * paths relative to that module, for runs from an IDE.
 */
public record BuildLayout(SparkHome sparkHome, Path applicationJar, Path workRoot) {
    public static final String APPLICATION_JAR_PROPERTY = "cluster.app.jar";
    public static final String WORK_ROOT_PROPERTY = "cluster.work.dir";

    public BuildLayout {
        if (!Files.isRegularFile(applicationJar)) {
            throw new IllegalStateException("application jar " + applicationJar + " does not exist; build it with: "
                    + "mvn -B -pl integration-tests -am package -DskipTests");
        }
    }

    /** The layout the system properties describe. */
    public static BuildLayout fromSystemProperties() {
        String jar = System.getProperty(APPLICATION_JAR_PROPERTY,
                "../spark-jobs/target/spark-distill-spark3.5_2.12-0.1.0-SNAPSHOT.jar");
        return new BuildLayout(SparkHome.assembled(), absolute(jar),
                absolute(System.getProperty(WORK_ROOT_PROPERTY, "target/cluster")));
    }

    /** A new directory under {@link #workRoot()} whose name starts with {@code prefix}, for one cluster or run. */
    public Path newWorkDirectory(String prefix) {
        try {
            Files.createDirectories(workRoot);
            return Files.createTempDirectory(workRoot, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory under " + workRoot, e);
        }
    }

    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }
}
