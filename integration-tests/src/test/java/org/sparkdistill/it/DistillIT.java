package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.Provenance;
import org.sparkdistill.jobs.report.HtmlReport;
import org.sparkdistill.jobs.report.MetricsDocument;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.jobs.storage.StoragePath;

/** {@code distill} end to end through local Spark on a Fashion-MNIST subset, from IDX files and from prepared Parquet. */
class DistillIT {
    @TempDir
    static Path dir;

    static Path teacher;

    @BeforeAll
    static void trainTeacher() {
        teacher = Fixtures.cnnTeacher(dir, 3000);
    }

    @Test
    void distilsFromIdxThroughSparkAndWritesACompleteOutput() throws IOException {
        Path out = dir.resolve("from-idx");
        Fixtures.Run run = Fixtures.cli("distill", "--data", Fixtures.fashionMnist().toString(), "--limit", "2000",
                "--teacher", teacher.toString(), "--epochs", "2", "--seed", "5", "--output", out.toString(),
                "--master", "local[2]", "--set", "student.hidden=32");
        assertEquals(0, run.status(), run.err());
        assertEquals(List.of(OutputMarker.FILE_NAME, DistillJob.CONFIG_FILE, MetricsDocument.FILE, Provenance.FILE_NAME,
                HtmlReport.FILE, DistillJob.STEPS_FILE, DistillJob.MODEL_FILE), Fixtures.listing(out));
        assertEquals(64, Files.readAllLines(out.resolve(DistillJob.STEPS_FILE)).size(),
                "2 epochs of 32 steps (2000 rows, batch 64), one line each");
        MultiLayerNetwork student = ModelSerializer.restoreMultiLayerNetwork(out.resolve(DistillJob.MODEL_FILE).toFile());
        assertTrue(Networks.loss(student) instanceof LossMCXENT, "the saved student is a plain DL4J classifier");
        String metrics = Files.readString(out.resolve(MetricsDocument.FILE));
        assertTrue(metrics.contains("\"epoch\": 2") && metrics.contains("\"agreement\""), metrics);
        double accuracy = Fixtures.finalAccuracy(out);
        assertTrue(accuracy > 0.6, "a 784-32-10 student on 2000 rows for 2 epochs reaches > 60%, got " + accuracy);
        assertTrue(Files.readString(out.resolve(DistillJob.CONFIG_FILE)).contains("epochs: 2"));
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith(".from-idx")),
                "no staging directory is left beside the output: " + Fixtures.listing(dir));
    }

    @Test
    void twoWorkersTrainAsOneDataParallelStudentAndLeaveNoCheckpoints() throws IOException {
        Path out = dir.resolve("two-workers");
        Fixtures.Run run = Fixtures.cli("distill", "--data", Fixtures.fashionMnist().toString(), "--limit", "2000",
                "--teacher", teacher.toString(), "--epochs", "2", "--seed", "5", "--output", out.toString(),
                "--master", "local[2]", "--set", "student.hidden=32", "--set", "training.workers=2",
                "--set", "training.batchSize=32", "--set", "training.checkpointEvery=20",
                "--set", "training.gradientBuckets=per-layer");
        assertEquals(0, run.status(), run.err());
        String metrics = Files.readString(out.resolve(MetricsDocument.FILE));
        // 2000 rows in two shards of about 1000: 32 or 33 steps per epoch, each on 2 × 32 rows.
        assertTrue(metrics.contains("\"epoch\": 2"), metrics);
        // Each epoch reports how rank 0 exchanged its gradients: one bucket per layer of the training graph, the
        // knowledge-distillation heads' two loss layers and the 2-layer student.
        assertTrue(metrics.contains("\"communication\": {") && metrics.contains("\"plan\": \"[0|1|2|3]\"")
                && metrics.contains("\"overlapRatio\"") && metrics.contains("\"groupTailSeconds\""), metrics);
        double accuracy = Fixtures.finalAccuracy(out);
        assertTrue(accuracy > 0.6, "two replicas of a 784-32-10 student on 2000 rows reach > 60%, got " + accuracy);
        assertTrue(Fixtures.listing(dir).stream().noneMatch(n -> n.startsWith("two-workers.checkpoints")),
                "checkpoints of a finished run are removed: " + Fixtures.listing(dir));
    }

    @Test
    void moreWorkersThanLocalTaskSlotsAreRefusedBeforeTraining() {
        Fixtures.Run run = Fixtures.cli("distill", "--data", Fixtures.fashionMnist().toString(), "--limit", "500",
                "--epochs", "1", "--output", dir.resolve("too-many").toString(), "--master", "local[2]",
                "--set", "distillation.alpha=0", "--set", "training.workers=3");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("training.workers = 3 needs 3 task slots at once"), run.err());
    }

    @Test
    void preparesParquetAndDistilsFromIt() throws IOException {
        Path train = dir.resolve("train.parquet");
        Path test = dir.resolve("test.parquet");
        assertEquals(0, Fixtures.cli("prepare", "--input", Fixtures.fashionMnist().toString(), "--output", train.toString(),
                "--master", "local[2]").status());
        assertEquals(0, Fixtures.cli("prepare", "--input", Fixtures.fashionMnist().toString(), "--split", "TEST",
                "--output", test.toString(), "--master", "local[2]").status());
        assertEquals(new DatasetInfo(new int[] {1, 28, 28}, 10, 60000), DatasetInfo.readFrom(StoragePath.local(train)));
        assertTrue(Fixtures.listing(train).stream().anyMatch(n -> n.endsWith(".parquet")), Fixtures.listing(train).toString());

        Path out = dir.resolve("from-parquet");
        Fixtures.Run run = Fixtures.cli("distill", "--data", train.toString(), "--test", test.toString(), "--limit", "1500",
                "--teacher", teacher.toString(), "--epochs", "1", "--output", out.toString(), "--master", "local[2]",
                "--set", "student.hidden=16");
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.isRegularFile(out.resolve(DistillJob.MODEL_FILE)));
    }
}
