package org.sparkdistill.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Where a model came from: the seed, a hash of the exact configuration, the versions that produced it and the native
 * build it was trained with.
 *
 * <p>Written as {@value #FILE_NAME} next to every model a job writes.
 */
public record Provenance(long seed, String configSha256, String sparkDistillVersion, String sparkVersion,
                         String dl4jVersion, String javaVersion, String computeBackend, Instant created) {
    public static final String FILE_NAME = "provenance.properties";

    /**
     * The provenance of a model made now from {@code resolvedConfig}.
     *
     * @param computeBackend the native build the model was trained with, as the training task reported it
     */
    public static Provenance of(long seed, String resolvedConfig, String computeBackend) {
        return new Provenance(seed, Sha256.hex(resolvedConfig.getBytes(StandardCharsets.UTF_8)),
                ReleaseVersion.current(), versionOf(org.apache.spark.SparkContext.class),
                versionOf(org.deeplearning4j.nn.multilayer.MultiLayerNetwork.class),
                System.getProperty("java.version"), computeBackend, Instant.now());
    }

    public void writeTo(StoragePath directory) throws IOException {
        String text = "seed=" + seed + "\nconfigSha256=" + configSha256 + "\nsparkDistillVersion=" + sparkDistillVersion
                + "\nsparkVersion=" + sparkVersion + "\ndl4jVersion=" + dl4jVersion + "\njavaVersion=" + javaVersion
                + "\ncomputeBackend=" + computeBackend + "\ncreated=" + created + "\n";
        directory.child(FILE_NAME).writeText(text);
    }

    /** The jar manifest's implementation version of the class's package, or "unknown" when run from classes. */
    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        if (version == null && type == org.apache.spark.SparkContext.class) {
            version = org.apache.spark.package$.MODULE$.SPARK_VERSION();
        }
        return version == null ? "unknown" : version;
    }
}
