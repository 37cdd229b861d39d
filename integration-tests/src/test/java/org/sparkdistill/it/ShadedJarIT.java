package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.LocalSubmit;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.Provenance;

/**
 * The application jar of the Spark line being built, submitted through {@code SparkSubmit} to {@code local[2]} from a
 * SPARK_HOME of that line's jars, as a user runs it on one machine: no class of the build is on the driver's class
 * path but the jar's own. Built with {@code -Pspark4}, this runs the Spark 4 jar on Spark 4.
 */
class ShadedJarIT {
    /** The Spark version the build compiled against; the failsafe configuration sets it. */
    private static final String SPARK_VERSION = System.getProperty("build.spark.version");

    @TempDir
    Path dir;

    @Test
    void aTwoWorkerDistillFromTeachersOfEveryFormatSubmittedToLocalSparkWritesAStudentMadeWithTheBuildsSparkVersion()
            throws IOException {
        Path teacher = Fixtures.cnnTeacher(dir, 1000);
        Path out = dir.resolve("student");
        // One teacher of each format: the jar carries ONNX Runtime's and HDF5's natives to the executors.
        String teachers = String.join(",", teacher.toString(), Fixtures.TEACHERS.resolve("fashion-mnist-cnn.onnx")
                .toString(), Fixtures.TEACHERS.resolve("fashion-mnist-cnn.h5").toString());
        Submission run = LocalSubmit.run(2, List.of("distill", "--data", Fixtures.fashionMnist().toString(),
                "--limit", "2000", "--teacher", teachers, "--epochs", "2", "--seed", "5",
                "--output", out.toString(), "--set", "student.hidden=32", "--set", "training.workers=2",
                "--set", "training.batchSize=32", "--set", "training.checkpointEvery=20"),
                Fixtures.STRICT_KRYO, Duration.ofMinutes(10));

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(Files.isRegularFile(out.resolve(DistillJob.MODEL_FILE)), Fixtures.listing(out)::toString);
        String provenance = Files.readString(out.resolve(Provenance.FILE_NAME));
        assertTrue(provenance.contains("sparkDistillVersion=" + System.getProperty("build.version") + "\n"),
                "the jar's manifest names the release: " + provenance);
        assertTrue(provenance.contains("sparkVersion=" + SPARK_VERSION + "\n"),
                "the student was made on Spark " + SPARK_VERSION + ": " + provenance);
        assertTrue(provenance.contains("computeBackend=linux-x86_64-onednn-avx2 (oneDNN, native convolution helpers), "
                + "fused update on Vector API, "), "the executor trained with the oneDNN natives and DL4J's native helpers, "
                + "which this machine's processor supports, and the Vector API, which spark.driver.extraJavaOptions "
                + "adds: " + provenance);
        double accuracy = Fixtures.finalAccuracy(out);
        assertTrue(accuracy > 0.5, "two replicas of a 784-32-10 student on 2000 rows for 2 epochs learn (> 50%, chance is"
                + " 10%), got " + accuracy);
    }
}
