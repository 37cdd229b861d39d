package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.metrics.EpochMetrics;

class ComparisonReportTest {
    @TempDir
    Path dir;

    static ComparisonReport report() {
        RunSummary alone = new RunSummary("student alone", List.of(
                new EpochMetrics(1, 10, 0.9, 0.80, 0.82, 0.30, 0.05, 1.5),
                new EpochMetrics(2, 20, 0.6, 0.84, 0.86, 0.25, 0.04, 3.0)), 3.5);
        RunSummary distilled = new RunSummary("student distilled", List.of(
                new EpochMetrics(1, 10, 1.9, 0.81, 0.85, 0.20, 0.03, 2.0),
                new EpochMetrics(2, 20, 1.2, 0.855, 0.90, 0.12, 0.02, 4.0)), 4.5);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("temperature", 4.0);
        settings.put("note", "<b>escaped</b>");
        return new ComparisonReport("quickstart", 0.9, 100, List.of(alone, distilled), settings);
    }

    @Test
    void tableHasTheTeacherAndEachRunsFinalMetrics() {
        String table = report().table();
        assertTrue(table.contains("teacher") && table.contains("90.00%"), table);
        assertTrue(table.contains("student alone") && table.contains("84.00%") && table.contains("86.00%"), table);
        assertTrue(table.contains("student distilled") && table.contains("85.50%") && table.contains("0.1200"), table);
    }

    @Test
    void writesJsonAndHtmlWithCurvesAndEscapedText() throws IOException {
        report().writeTo(dir);
        String json = Files.readString(dir.resolve(ComparisonReport.JSON_FILE));
        assertTrue(json.contains("\"name\": \"student distilled\"") && json.contains("\"accuracy\": 0.855"), json);
        String html = Files.readString(dir.resolve(ComparisonReport.HTML_FILE));
        assertEquals(4, html.split("<svg").length - 1, "four learning-curve charts");
        assertEquals(8, html.split("<polyline").length - 1, "two runs per chart");
        assertTrue(html.contains("&lt;b&gt;escaped&lt;/b&gt;") && !html.contains("<b>escaped"), "settings are escaped");
        assertEquals(List.of(ComparisonReport.JSON_FILE, ComparisonReport.HTML_FILE),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files remain");
    }

    @Test
    void jsonWritesNonFiniteNumbersAsNullAndEscapesStrings() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("nan", Double.NaN);
        tree.put("text", "a \"quote\"\n");
        tree.put("list", List.of(1, 2.5, true));
        tree.put("empty", Map.of());
        assertEquals("{\n  \"nan\": null,\n  \"text\": \"a \\\"quote\\\"\\n\",\n  \"list\": [\n    1,\n    2.5,\n"
                + "    true\n  ],\n  \"empty\": {}\n}\n", Json.write(tree));
        assertFalse(Json.write(List.of()).contains("null"));
    }
}
