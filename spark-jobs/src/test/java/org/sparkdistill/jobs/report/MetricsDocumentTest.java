package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.storage.StoragePath;

class MetricsDocumentTest {
    @TempDir
    Path dir;

    private static String golden(String name) throws IOException {
        try (InputStream in = MetricsDocumentTest.class.getResourceAsStream("/report/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDistillDocumentIsWrittenExactlyAsTheGoldenFile() throws IOException {
        assertEquals(golden("golden-distill-metrics.json"), Json.write(ReportFixtures.distill()));
    }

    @Test
    void anEvaluateDocumentHasTheSameShapeWithNoRuns() throws IOException {
        assertEquals(golden("golden-evaluate-metrics.json"), Json.write(ReportFixtures.evaluate()));
        JsonNode distill = Json.read(Json.write(ReportFixtures.distill()), "distill");
        JsonNode evaluate = Json.read(Json.write(ReportFixtures.evaluate()), "evaluate");
        assertEquals(RunSummaryTest.fieldNames(distill), RunSummaryTest.fieldNames(evaluate));
        assertEquals(RunSummaryTest.fieldNames(distill.get("models").get(0)),
                RunSummaryTest.fieldNames(evaluate.get("models").get(0)));
        assertEquals(MetricsDocument.SCHEMA_VERSION, evaluate.get("schemaVersion").asInt());
    }

    @Test
    void teachersAndOthersSplitTheModelsByRole() {
        MetricsDocument doc = ReportFixtures.distill();
        assertEquals(List.of("teacher.onnx"), doc.teachers().stream().map(ModelProfile::name).toList());
        assertEquals(List.of("student <b>"), doc.others().stream().map(ModelProfile::name).toList());
    }

    @Test
    void writesTheJsonAndTheReportAndNothingElse() throws IOException {
        ReportFixtures.distill().writeTo(StoragePath.local(dir));
        assertEquals(List.of(MetricsDocument.FILE, HtmlReport.FILE),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
        assertTrue(Files.readString(dir.resolve(HtmlReport.FILE)).startsWith("<!DOCTYPE html>"));
        assertEquals(Json.write(ReportFixtures.distill()), Files.readString(dir.resolve(MetricsDocument.FILE)));
    }
}
