package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.report.HtmlReport;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.report.MetricsDocument;

/**
 * The reports of {@code distill} and {@code evaluate}, as written by real runs, opened in headless Chromium: every plot
 * the run calls for is there, laid out with ticked axes and drawn marks, and no script fails.
 */
class ReportIT {
    private static final List<String> DISTILL_PLOTS = List.of("accuracy", "loss", "agreement", "kl", "reliability",
            "per-class", "pipeline", "communication");

    @TempDir
    static Path dir;

    static Path distilled;

    /** Two workers distil from a DL4J teacher and an ONNX one, two epochs of 2000 rows. */
    @BeforeAll
    static void distil() {
        Path teacher = Fixtures.cnnTeacher(dir, 3000);
        distilled = dir.resolve("distilled");
        Fixtures.Run run = Fixtures.cli("distill", "--data", Fixtures.fashionMnist().toString(), "--limit", "2000",
                "--teacher", teacher + "," + Fixtures.TEACHERS.resolve("fashion-mnist-cnn.onnx"), "--epochs", "2",
                "--seed", "5", "--output", distilled.toString(), "--master", "local[2]",
                "--set", "student.hidden=32", "--set", "training.workers=2", "--set", "training.batchSize=32",
                "--set", "training.pipelineDepth=2");
        assertEquals(0, run.status(), run.err());
    }

    @Test
    void theDistillReportRendersEveryPlotWithoutScriptErrors() throws Exception {
        HeadlessChromium.Rendering page = HeadlessChromium.open(distilled.resolve(HtmlReport.FILE),
                Files.createDirectories(dir.resolve("chromium-distill")));
        assertEquals(List.of(), page.errors(), page.log());
        assertEquals(DISTILL_PLOTS, ids(page.plots()));
        page.plots().forEach(ReportIT::assertDrawn);
    }

    @Test
    void theDistillMetricsNameBothTeachersAndTheStudentWithTheirSizes() throws IOException {
        Path file = distilled.resolve(MetricsDocument.FILE);
        JsonNode doc = Json.read(Files.readString(file), file.toString());
        assertEquals(MetricsDocument.SCHEMA_VERSION, doc.get("schemaVersion").asInt());
        assertEquals("distill", doc.get("command").asText());
        JsonNode models = doc.get("models");
        assertEquals(List.of("teacher", "teacher", "student"),
                List.of(models.get(0).get("role").asText(), models.get(1).get("role").asText(),
                        models.get(2).get("role").asText()));
        for (JsonNode model : models) {
            assertTrue(model.get("parameters").asLong() > 0 && model.get("fileBytes").asLong() > 0
                    && model.get("speed").get("millisPerExample").asDouble() > 0, model.toString());
            assertEquals(10, model.get("scores").get("accuracyPerClass").size(), model.toString());
        }
        assertEquals(Files.size(distilled.resolve(DistillJob.MODEL_FILE)), models.get(2).get("fileBytes").asLong());
        assertEquals(Files.size(Fixtures.TEACHERS.resolve("fashion-mnist-cnn.onnx")),
                models.get(1).get("fileBytes").asLong());
        assertEquals(2, doc.get("runs").get(0).get("epochs").size());
    }

    @Test
    void theEvaluateReportRendersItsPlotsWithoutScriptErrors() throws Exception {
        Path out = dir.resolve("evaluated");
        Fixtures.Run run = Fixtures.cli("evaluate", "--model", distilled.resolve(DistillJob.MODEL_FILE).toString(),
                "--data", Fixtures.fashionMnist().toString(), "--teacher",
                Fixtures.TEACHERS.resolve("fashion-mnist-cnn.onnx").toString(), "--output", out.toString(),
                "--master", "local[2]");
        assertEquals(0, run.status(), run.err());
        Path file = out.resolve(MetricsDocument.FILE);
        JsonNode doc = Json.read(Files.readString(file), file.toString());
        assertEquals("evaluate", doc.get("command").asText());
        assertEquals(0, doc.get("runs").size());
        HeadlessChromium.Rendering page = HeadlessChromium.open(out.resolve(HtmlReport.FILE),
                Files.createDirectories(dir.resolve("chromium-evaluate")));
        assertEquals(List.of(), page.errors(), page.log());
        assertEquals(List.of("reliability", "per-class"), ids(page.plots()));
        page.plots().forEach(ReportIT::assertDrawn);
        Fixtures.Run again = Fixtures.cli("evaluate", "--model", distilled.resolve(DistillJob.MODEL_FILE).toString(),
                "--data", Fixtures.fashionMnist().toString(), "--output", distilled.toString(), "--master", "local[2]");
        assertEquals(2, again.status(), "evaluate never writes into distill's output: " + again.err());
    }

    /** A plot laid out at its size, with at least two ticks on each axis and two marks that have a size. */
    private static void assertDrawn(JsonNode plot) {
        assertTrue(plot.get("width").asDouble() >= 400 && plot.get("height").asDouble() >= 250, plot.toString());
        assertTrue(plot.get("xTicks").asInt() >= 2 && plot.get("yTicks").asInt() >= 2, plot.toString());
        assertTrue(plot.get("drawnMarks").asInt() >= 2, plot.toString());
    }

    private static List<String> ids(JsonNode plots) {
        List<String> ids = new ArrayList<>();
        plots.forEach(plot -> ids.add(plot.get("id").asText()));
        return ids;
    }
}
