package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.ClusterSpec;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.it.hdfs.MiniHdfs;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.storage.OutputMarker;

/**
 * The jobs on a Spark standalone cluster of two one-core workers (each a JVM) with every path on a real HDFS: the
 * Fashion-MNIST files, the teacher, the prepared table, the soft-label cache, the checkpoints and the output. The
 * driver and the executors share no local directory with the data: they reach everything through
 * {@code hdfs://127.0.0.1:<port>}.
 */
class HdfsClusterIT {
    @TempDir
    static Path dir;

    static MiniHdfs hdfs;
    static StandaloneCluster cluster;

    private static final int CHECKPOINT_EVERY = 20;

    @BeforeAll
    static void startHdfsAndCluster() throws IOException {
        hdfs = MiniHdfs.start();
        FileSystem fs = hdfs.fileSystem();
        for (String file : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Fixtures.fashionMnist().resolve(file).toUri()),
                    new org.apache.hadoop.fs.Path("/data/fashion/" + file));
        }
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Fixtures.cnnTeacher(dir, 1000).toUri()),
                new org.apache.hadoop.fs.Path("/models/teacher.zip"));
        cluster = StandaloneCluster.start(ClusterSpec.defaults().withWorkers(2));
    }

    @AfterAll
    static void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (hdfs != null) {
                hdfs.close();
            }
        }
    }

    private static String at(String path) {
        return hdfs.path(path);
    }

    /** A job file whose every path is on the HDFS, for a 2-worker run on the first {@code limit} prepared rows. */
    private static Path job(String name, int limit) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                data: {train: %s, test: %s, limit: %d}
                teachers: [{path: %s}]
                student: {hidden: [32]}
                distillation: {temperature: 3.0, alpha: 0.8}
                training: {epochs: 2, seed: 5, batchSize: 32, workers: 2, checkpointEvery: %d,
                           checkpointDirectory: %s}
                cache: {path: %s, topK: 10}
                output: %s
                """.formatted(at("/data/prepared"), at("/data/fashion"), limit, at("/models/teacher.zip"),
                CHECKPOINT_EVERY, at("/checkpoints/" + name), at("/cache"), at("/runs/" + name)));
    }

    private static Submission submit(List<String> arguments) {
        return cluster.submit(arguments, Fixtures.STRICT_KRYO);
    }

    /** The output at {@code hdfsPath}, copied to a new local directory for the fixtures that read outputs. */
    private static Path fetched(String hdfsPath) throws IOException {
        Path local = dir.resolve("fetched-" + hdfsPath.replace('/', '_'));
        hdfs.fileSystem().copyToLocalFile(new org.apache.hadoop.fs.Path(hdfsPath), new org.apache.hadoop.fs.Path(
                local.toUri()));
        return local;
    }

    private static boolean exists(String hdfsPath) {
        try {
            return hdfs.fileSystem().exists(new org.apache.hadoop.fs.Path(hdfsPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once a run's folder under {@code hdfsPath} holds a checkpoint. */
    private static boolean hasCheckpoint(String hdfsPath) {
        try {
            if (!exists(hdfsPath)) {
                return false;
            }
            RemoteIterator<LocatedFileStatus> files = hdfs.fileSystem().listFiles(new org.apache.hadoop.fs.Path(
                    hdfsPath), true);
            while (files.hasNext()) {
                if (files.next().getPath().getParent().getName().startsWith("step-")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void prepareOnce() {
        if (exists("/data/prepared/" + OutputMarker.FILE_NAME)) {
            return;
        }
        Submission prepare = submit(List.of("prepare", "--input", at("/data/fashion"), "--output",
                at("/data/prepared")));
        assertEquals(0, prepare.exitCode(), prepare::toString);
    }

    private static void inferOnce(Path job) {
        if (exists("/cache/" + OutputMarker.FILE_NAME)) {
            return;
        }
        Submission infer = submit(List.of("teacher-infer", "--config", job.toString()));
        assertEquals(0, infer.exitCode(), infer::toString);
    }

    @Test
    void prepareTeacherInferenceAndDistillationReadAndWriteOnHdfs() throws IOException {
        prepareOnce();
        assertTrue(exists("/data/prepared/" + OutputMarker.FILE_NAME), "prepare published its table");
        Path job = job("student", 3000);
        inferOnce(job);
        assertTrue(exists("/cache/" + CacheManifest.FILE_NAME) && exists("/cache/" + OutputMarker.FILE_NAME));

        Submission distill = submit(List.of("distill", "--config", job.toString()));
        assertEquals(0, distill.exitCode(), distill::toString);
        assertTrue(exists("/runs/student/" + DistillJob.MODEL_FILE) && exists("/runs/student/" + OutputMarker.FILE_NAME));
        assertFalse(exists("/checkpoints/student") && hasCheckpoint("/checkpoints/student"),
                "the finished run's checkpoints are removed");
        assertTrue(Fixtures.finalAccuracy(fetched("/runs/student")) > 0.6, distill::toString);
        assertEquals(List.of("teacher.zip"), Fixtures.listing(dir).stream()
                .filter(name -> !name.startsWith("fetched-") && !name.endsWith(".yaml")).toList(),
                "the jobs write nothing to the local disk");
    }

    /**
     * Kills one of the two executors once a checkpoint exists on the HDFS; the run resumes from it and ends with
     * exactly the parameters of an undisturbed run (see {@code ClusterIT} for why the trajectory is exact).
     */
    @Test
    void aRunWhoseExecutorIsKilledResumesFromItsCheckpointOnHdfs() throws IOException {
        prepareOnce();
        inferOnce(job("student", 3000));
        Submission reference = submit(List.of("distill", "--config", job("undisturbed", 3000).toString()));
        assertEquals(0, reference.exitCode(), reference::toString);
        cluster.awaitExecutors(0, Duration.ofMinutes(1));

        CompletableFuture<Submission> running = CompletableFuture.supplyAsync(
                () -> submit(List.of("distill", "--config", uncheckedJob("disturbed"))));
        Submission run = Fixtures.killAnExecutorOnceCheckpointed(cluster, running, "a first checkpoint in "
                + at("/checkpoints/disturbed"), () -> hasCheckpoint("/checkpoints/disturbed"), 2);
        Fixtures.resumedStep(run, CHECKPOINT_EVERY);
        assertIdentical(Fixtures.studentParameters(fetched("/runs/undisturbed")),
                Fixtures.studentParameters(fetched("/runs/disturbed")),
                "the recovered student's parameters against the undisturbed run's");
        assertFalse(hasCheckpoint("/checkpoints/disturbed"), "the finished run's checkpoints are removed");
    }

    private static String uncheckedJob(String name) {
        try {
            return job(name, 3000).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
