package org.sparkdistill.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Where a model came from: the seed, a hash of the exact configuration, and the versions that produced it.
 *
 * <p>Written as {@value #FILE_NAME} next to every model a job writes.
 */
public record Provenance(long seed, String configSha256, String sparkDistillVersion, String sparkVersion,
                         String dl4jVersion, String javaVersion, Instant created) {
    public static final String FILE_NAME = "provenance.properties";

    public static Provenance of(long seed, String resolvedConfig) {
        return new Provenance(seed, Sha256.hex(resolvedConfig.getBytes(StandardCharsets.UTF_8)),
                versionOf(Provenance.class), versionOf(org.apache.spark.SparkContext.class),
                versionOf(org.deeplearning4j.nn.multilayer.MultiLayerNetwork.class),
                System.getProperty("java.version"), Instant.now());
    }

    public void writeTo(StoragePath directory) throws IOException {
        String text = "seed=" + seed + "\nconfigSha256=" + configSha256 + "\nsparkDistillVersion=" + sparkDistillVersion
                + "\nsparkVersion=" + sparkVersion + "\ndl4jVersion=" + dl4jVersion + "\njavaVersion=" + javaVersion
                + "\ncreated=" + created + "\n";
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
