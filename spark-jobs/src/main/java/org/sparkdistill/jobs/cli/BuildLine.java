package org.sparkdistill.jobs.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Spark line and Scala version an application jar was built for, as its manifest records them
 * ({@code Spark-Line}, {@code Scala-Binary-Version}), checked against the Spark and Scala it runs on: a jar of one
 * line fails on the other with linkage errors deep inside a job, so a mix-up is refused before anything starts.
 *
 * @param sparkLine the Spark major and minor version, such as {@code 3.5}
 * @param scalaBinaryVersion the Scala binary version, such as {@code 2.12}
 */
public record BuildLine(String sparkLine, String scalaBinaryVersion) {
    static final Attributes.Name SPARK_LINE = new Attributes.Name("Spark-Line");
    static final Attributes.Name SCALA_BINARY_VERSION = new Attributes.Name("Scala-Binary-Version");

    /** The line recorded in {@code manifest}, or empty when it records none (a build that is not the shaded jar). */
    public static Optional<BuildLine> of(Manifest manifest) {
        String spark = manifest.getMainAttributes().getValue(SPARK_LINE);
        String scala = manifest.getMainAttributes().getValue(SCALA_BINARY_VERSION);
        return spark == null || scala == null ? Optional.empty() : Optional.of(new BuildLine(spark, scala));
    }

    /** The line of the jar this class was loaded from, or empty when it was loaded from a directory of classes. */
    public static Optional<BuildLine> ofThisJar() {
        CodeSource source = BuildLine.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                return Optional.empty();
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                Manifest manifest = jar.getManifest();
                return manifest == null ? Optional.empty() : of(manifest);
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The version of the Spark on the class path, such as {@code 3.5.9}. */
    public static String runningSparkVersion() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    /** The version of the Scala library on the class path, such as {@code 2.12.18}. */
    public static String runningScalaVersion() {
        return scala.util.Properties$.MODULE$.versionNumberString();
    }

    /**
     * Why this line cannot run on the given Spark and Scala versions, or empty when it can: the Spark major version
     * and the Scala binary version must match (minor Spark versions of one major share their API closely enough).
     */
    public Optional<String> mismatch(String sparkVersion, String scalaVersion) {
        boolean sparkMatches = major(sparkVersion).equals(major(sparkLine));
        boolean scalaMatches = binary(scalaVersion).equals(scalaBinaryVersion);
        if (sparkMatches && scalaMatches) {
            return Optional.empty();
        }
        return Optional.of("this spark-distill jar is built for Spark " + sparkLine + " on Scala " + scalaBinaryVersion
                + ", but runs on Spark " + sparkVersion + " on Scala " + scalaVersion
                + "; use the jar built for that line (spark-distill-spark<line>_<scala>-<version>.jar, see the README's"
                + " \"Builds and platforms\")");
    }

    private static String major(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    private static String binary(String version) {
        String[] parts = version.split("\\.");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
}
