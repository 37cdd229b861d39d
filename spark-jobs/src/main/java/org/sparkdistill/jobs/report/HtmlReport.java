package org.sparkdistill.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.sparkdistill.core.metrics.ClassificationMetrics;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.ReliabilityBin;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * Renders a {@link MetricsDocument} as one self-contained HTML page with inline SVG plots and no script: what
 * distillation bought (teachers against students in size, speed and quality), then how training went.
 *
 * <p>Sections appear when the document has their figures: learning curves and agreement per epoch for training runs,
 * the input pipeline's stage times for every run, and communication for runs on more than one worker.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    private static final String STYLE = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;"
            + "text-align:right}td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;"
            + "gap:16px}.intro{font-size:1.05em;line-height:1.5}.note{color:#555}";

    private HtmlReport() {}

    public static String render(MetricsDocument doc) {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(doc.title())).append("</title>\n<style>").append(STYLE)
                .append("</style></head><body>\n<h1>").append(Html.escape(doc.title())).append("</h1>\n");
        page.append("<p class=\"intro\">Knowledge distillation trains a small <em>student</em> to reproduce what a"
                + " large <em>teacher</em>, or several, predicts, so that a model cheap enough to deploy keeps most of"
                + " the teachers' accuracy. This report sets them side by side: what each costs to keep and to run,"
                + " and how well each does on the held-out data.</p>\n");
        models(page, doc);
        if (!doc.runs().isEmpty()) {
            training(page, doc);
        }
        quality(page, doc);
        for (RunSummary run : doc.runs()) {
            pipeline(page, run);
            communication(page, run);
        }
        page.append("<h2>Settings</h2>\n<table>\n");
        doc.settings().forEach((key, value) -> page.append("<tr><td>").append(Html.escape(key)).append("</td><td>")
                .append(Html.escape(String.valueOf(value))).append("</td></tr>\n"));
        return page.append("</table>\n<p class=\"note\">Written by spark-distill ").append(Html.escape(doc.version()))
                .append(" (").append(Html.escape(doc.command())).append("), metrics schema ")
                .append(doc.schemaVersion()).append(".</p>\n</body></html>\n").toString();
    }

    private static void models(StringBuilder page, MetricsDocument doc) {
        page.append("<h2>Teachers and students</h2>\n<table class=\"models\"><tr><th>model</th><th>role</th>"
                + "<th>parameters</th><th>file size</th><th>latency per example</th><th>throughput</th>"
                + "<th>accuracy</th><th>agreement with the teachers</th><th>ECE</th></tr>\n");
        for (ModelProfile m : doc.models()) {
            page.append("<tr><td>").append(Html.escape(m.name())).append("</td><td>").append(Html.escape(m.role()))
                    .append("</td><td>").append(m.parameters() == null ? "not stated" : count(m.parameters()))
                    .append("</td><td>").append(bytes(m.fileBytes())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f ms", m.speed().millisPerExample())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,.0f examples/s", m.speed().examplesPerSecond()))
                    .append("</td><td>").append(percent(m.scores().accuracy())).append("</td><td>")
                    .append(percent(m.scores().agreement())).append("</td><td>").append(percent(m.scores().ece()))
                    .append("</td></tr>\n");
        }
        page.append("</table>\n");
        List<ModelProfile> teachers = doc.teachers();
        if (!teachers.isEmpty()) {
            page.append("<ul class=\"gains\">\n");
            for (ModelProfile m : doc.others()) {
                page.append("<li>").append(Html.escape(m.name())).append(": ").append(gains(m, teachers))
                        .append("</li>\n");
            }
            page.append("</ul>\n");
        }
        Machine machine = doc.machine();
        page.append(String.format(Locale.ROOT, "<p class=\"note\">Latency is the median time of one example alone,"
                + " throughput the median over batches of %d, both measured on %s (%d processors, %s, %s, %s)."
                + " Agreement is how often a model ranks first the class the teachers' ensemble ranks first; ECE is"
                + " the expected calibration error over %d confidence bins.</p>%n",
                doc.models().isEmpty() ? InferenceSpeed.BATCH : doc.models().get(0).speed().batchSize(),
                Html.escape(machine.host()), machine.processors(), Html.escape(machine.os()),
                Html.escape(machine.java()), Html.escape(machine.computeBackend()),
                ClassificationMetrics.CALIBRATION_BINS));
    }

    /** How a model compares with the teachers it learnt from, who all run for one ensemble prediction. */
    private static String gains(ModelProfile model, List<ModelProfile> teachers) {
        List<String> parts = new ArrayList<>();
        if (model.parameters() != null && teachers.stream().allMatch(t -> t.parameters() != null)) {
            parts.add(ratio(teachers.stream().mapToLong(ModelProfile::parameters).sum(), model.parameters(),
                    "fewer parameters", "more parameters"));
        }
        parts.add(ratio(teachers.stream().mapToLong(ModelProfile::fileBytes).sum(), model.fileBytes(),
                "smaller file", "larger file"));
        parts.add(ratio(teachers.stream().mapToDouble(t -> t.speed().millisPerExample()).sum(),
                model.speed().millisPerExample(), "faster per example", "slower per example"));
        double ensembleRate = 1 / teachers.stream().mapToDouble(t -> 1 / t.speed().examplesPerSecond()).sum();
        parts.add(String.format(Locale.ROOT, "%.1f× the throughput",
                model.speed().examplesPerSecond() / ensembleRate));
        double best = teachers.stream().mapToDouble(t -> t.scores().accuracy()).max().orElse(Double.NaN);
        double gap = 100 * (model.scores().accuracy() - best);
        parts.add(String.format(Locale.ROOT, "accuracy %s, %.2f points %s the most accurate teacher",
                percent(model.scores().accuracy()), Math.abs(gap), gap < 0 ? "below" : "above"));
        return String.join("; ", parts) + (teachers.size() > 1 ? " (against all " + teachers.size()
                + " teachers together, as the ensemble runs them)" : "");
    }

    private static String ratio(double teacher, double model, String better, String worse) {
        return teacher >= model ? String.format(Locale.ROOT, "%.1f× %s", teacher / model, better)
                : String.format(Locale.ROOT, "%.1f× %s", model / teacher, worse);
    }

    private static void training(StringBuilder page, MetricsDocument doc) {
        page.append("<h2>Learning curves</h2>\n<p class=\"note\">Measured on the held-out data after every epoch.</p>"
                + "\n<div class=\"plots\">\n");
        page.append(perEpoch(doc.runs(), "accuracy", "Held-out accuracy", "accuracy (%)", m -> 100 * m.accuracy()));
        page.append(perEpoch(doc.runs(), "loss", "Training loss", "mean loss of the epoch", EpochMetrics::trainLoss));
        page.append("</div>\n");
        boolean agreement = doc.runs().stream().flatMap(r -> r.epochs().stream())
                .anyMatch(m -> Double.isFinite(m.agreement()));
        if (agreement) {
            page.append("<h2>Agreement with the teachers</h2>\n<div class=\"plots\">\n");
            page.append(perEpoch(doc.runs(), "agreement", "Teacher–student agreement", "agreement (%)",
                    m -> 100 * m.agreement()));
            page.append(perEpoch(doc.runs(), "kl", "KL(teachers ‖ student)", "nats", EpochMetrics::teacherKl));
            page.append("</div>\n");
        }
    }

    private static String perEpoch(List<RunSummary> runs, String id, String title, String axis,
            ToDoubleFunction<EpochMetrics> metric) {
        List<SvgPlot.Line> lines = new ArrayList<>();
        for (RunSummary run : runs) {
            lines.add(new SvgPlot.Line(run.name(), run.epochs().stream().mapToDouble(EpochMetrics::epoch).toArray(),
                    run.epochs().stream().mapToDouble(metric).toArray()));
        }
        return SvgPlot.lines(id, title, SvgPlot.Axis.integers("epoch"), SvgPlot.Axis.of(axis), lines, false) + "\n";
    }

    private static void quality(StringBuilder page, MetricsDocument doc) {
        page.append("<h2>Calibration and per-class accuracy</h2>\n<p class=\"note\">A well-calibrated model is right as"
                + " often as it is confident: its points lie on the dashed diagonal.</p>\n<div class=\"plots\">\n");
        List<SvgPlot.Line> lines = new ArrayList<>();
        List<SvgPlot.Bars> bars = new ArrayList<>();
        for (ModelProfile m : doc.models()) {
            List<ReliabilityBin> bins = m.scores().reliability().stream().filter(b -> b.rows() > 0).toList();
            lines.add(new SvgPlot.Line(m.name(), bins.stream().mapToDouble(b -> 100 * b.confidence()).toArray(),
                    bins.stream().mapToDouble(b -> 100 * b.accuracy()).toArray()));
            bars.add(new SvgPlot.Bars(m.name(),
                    m.scores().accuracyPerClass().stream().mapToDouble(a -> 100 * a).toArray()));
        }
        page.append(SvgPlot.lines("reliability", "Reliability diagram",
                SvgPlot.Axis.fixed("confidence (%)", 0, 100), SvgPlot.Axis.fixed("accuracy (%)", 0, 100), lines, true))
                .append('\n');
        page.append(SvgPlot.bars("per-class", "Accuracy per class", SvgPlot.Axis.fixed("accuracy (%)", 0, 100),
                doc.classes(), bars)).append("\n</div>\n");
    }

    private static void pipeline(StringBuilder page, RunSummary run) {
        PipelineMetrics total = null;
        for (EpochMetrics m : run.epochs()) {
            if (m.pipeline() != null) {
                total = total == null ? m.pipeline() : total.plus(m.pipeline());
            }
        }
        if (total == null) {
            return;
        }
        List<String> stages = total.stages().stream().map(StageTimes::stage).toList();
        List<SvgPlot.Bars> bars = List.of(
                new SvgPlot.Bars("working", total.stages().stream().mapToDouble(StageTimes::busySeconds).toArray()),
                new SvgPlot.Bars("waiting for input",
                        total.stages().stream().mapToDouble(StageTimes::inputStallSeconds).toArray()),
                new SvgPlot.Bars("waiting for room downstream",
                        total.stages().stream().mapToDouble(StageTimes::outputStallSeconds).toArray()));
        page.append("<h2>Input pipeline: ").append(Html.escape(run.name())).append("</h2>\n")
                .append(String.format(Locale.ROOT, "<p class=\"note\">Rank 0's stages over the whole run, %d batches"
                        + " prepared ahead. The student step waited for data %.1f%% of its time.</p>\n", total.depth(),
                        100 * total.dataStallFraction()))
                .append(SvgPlot.bars("pipeline", "Stage times and stalls", SvgPlot.Axis.of("seconds"), stages, bars))
                .append('\n');
    }

    private static void communication(StringBuilder page, RunSummary run) {
        List<String> epochs = new ArrayList<>();
        List<CommunicationMetrics> metrics = new ArrayList<>();
        for (EpochMetrics m : run.epochs()) {
            if (m.communication() != null) {
                epochs.add("epoch " + m.epoch());
                metrics.add(m.communication());
            }
        }
        if (metrics.isEmpty()) {
            return;
        }
        List<SvgPlot.Bars> bars = List.of(
                new SvgPlot.Bars("computing (forward, backward, optimizer)", metrics.stream()
                        .mapToDouble(c -> 1000 * (c.forwardSeconds() + c.backwardSeconds() + c.optimizerSeconds()))
                        .toArray()),
                new SvgPlot.Bars("communication hidden behind the backward pass", metrics.stream()
                        .mapToDouble(c -> 1000 * Math.max(0, c.communicationSeconds() - c.exposedSeconds()))
                        .toArray()),
                new SvgPlot.Bars("communication exposed (the step waited)",
                        metrics.stream().mapToDouble(c -> 1000 * c.exposedSeconds()).toArray()));
        page.append("<h2>Gradient communication: ").append(Html.escape(run.name())).append("</h2>\n")
                .append("<p class=\"note\">Rank 0's mean step. Communication that runs while the backward pass still"
                        + " computes costs nothing; only the exposed part lengthens the step.</p>\n")
                .append(SvgPlot.bars("communication", "Time per step", SvgPlot.Axis.of("milliseconds per step"),
                        epochs, bars))
                .append('\n');
    }

    private static String count(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%,d (%.2f M)", n, n / 1e6)
                : String.format(Locale.ROOT, "%,d", n);
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.2f MiB", n / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

    private static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : "—";
    }
}
