package org.sparkdistill.jobs.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.sparkdistill.core.metrics.EpochMetrics;

/**
 * Compares a teacher with students trained different ways: a console table, {@code metrics.json} and a one-page
 * HTML report with the learning curves.
 *
 * @param teacherAccuracy held-out accuracy of the teacher ensemble
 * @param teacherSeconds wall time spent training or loading the teacher
 * @param settings the run's settings, shown as given
 */
public record ComparisonReport(String title, double teacherAccuracy, double teacherSeconds, List<RunSummary> runs,
                               Map<String, Object> settings) {
    public static final String JSON_FILE = "metrics.json";
    public static final String HTML_FILE = "report.html";

    public ComparisonReport {
        runs = List.copyOf(runs);
        settings = new LinkedHashMap<>(settings);
    }

    /** A fixed-width text table: the teacher, then one row per run with its final metrics. */
    public String table() {
        StringBuilder out = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-22s %9s %10s %9s %7s %9s%n",
                "model", "accuracy", "agreement", "KL", "ECE", "wall (s)");
        out.append(header).append("-".repeat(header.length() - 1)).append('\n');
        out.append(String.format(Locale.ROOT, "%-22s %8.2f%% %10s %9s %7s %9.1f%n", "teacher", 100 * teacherAccuracy,
                "-", "-", "-", teacherSeconds));
        for (RunSummary run : runs) {
            EpochMetrics m = run.last();
            out.append(String.format(Locale.ROOT, "%-22s %8.2f%% %9.2f%% %9.4f %6.2f%% %9.1f%n", run.name(),
                    100 * m.accuracy(), 100 * m.agreement(), m.teacherKl(), 100 * m.ece(), run.seconds()));
        }
        return out.toString();
    }

    public Map<String, Object> toJsonTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("title", title);
        tree.put("teacher", Map.of("accuracy", teacherAccuracy, "seconds", teacherSeconds));
        tree.put("runs", runs.stream().map(RunSummary::toJsonTree).toList());
        tree.put("settings", settings);
        return tree;
    }

    public String html() {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title)).append("</title>\n<style>body{font-family:sans-serif;max-width:980px;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}</style>"
                        + "</head><body>\n");
        page.append("<h1>").append(Html.escape(title)).append("</h1>\n<table><tr><th>model</th><th>accuracy</th>"
                + "<th>agreement</th><th>KL(teacher‖student)</th><th>ECE</th><th>wall (s)</th></tr>\n");
        page.append(String.format(Locale.ROOT, "<tr><td>teacher</td><td>%.2f%%</td><td>-</td><td>-</td><td>-</td>"
                + "<td>%.1f</td></tr>%n", 100 * teacherAccuracy, teacherSeconds));
        for (RunSummary run : runs) {
            EpochMetrics m = run.last();
            page.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.2f%%</td><td>%.2f%%</td><td>%.4f</td>"
                    + "<td>%.2f%%</td><td>%.1f</td></tr>%n", Html.escape(run.name()), 100 * m.accuracy(),
                    100 * m.agreement(), m.teacherKl(), 100 * m.ece(), run.seconds()));
        }
        page.append("</table>\n<h2>Learning curves (held-out data)</h2>\n<div class=\"charts\">\n");
        page.append(chart("Accuracy", "accuracy", EpochMetrics::accuracy)).append('\n');
        page.append(chart("Training loss", "mean loss of the epoch", EpochMetrics::trainLoss)).append('\n');
        page.append(chart("KL(teacher ‖ student)", "nats", EpochMetrics::teacherKl)).append('\n');
        page.append(chart("Expected calibration error", "ECE, 15 bins", EpochMetrics::ece)).append('\n');
        page.append("</div>\n<h2>Settings</h2>\n<table>\n");
        settings.forEach((key, value) -> page.append("<tr><td>").append(Html.escape(key)).append("</td><td>")
                .append(Html.escape(String.valueOf(value))).append("</td></tr>\n"));
        return page.append("</table>\n</body></html>\n").toString();
    }

    private String chart(String chartTitle, String axis, ToDoubleFunction<EpochMetrics> metric) {
        List<LearningCurveChart.Series> series = new ArrayList<>();
        for (RunSummary run : runs) {
            series.add(new LearningCurveChart.Series(run.name(),
                    run.epochs().stream().map(m -> metric.applyAsDouble(m)).toList()));
        }
        return LearningCurveChart.svg(chartTitle, axis, series);
    }

    /** Writes {@value #JSON_FILE} and {@value #HTML_FILE} into {@code directory}, each by an atomic rename. */
    public void writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        writeAtomically(directory.resolve(JSON_FILE), Json.write(toJsonTree()));
        writeAtomically(directory.resolve(HTML_FILE), html());
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
