package org.sparkdistill.jobs.report;

import java.util.Locale;

/** The console's view of a {@link MetricsDocument}: one row per model with its size, speed and held-out scores. */
public final class SummaryTable {
    private SummaryTable() {}

    public static String of(MetricsDocument doc) {
        StringBuilder out = new StringBuilder();
        int width = Math.max(5, doc.models().stream().mapToInt(m -> m.name().length()).max().orElse(0));
        String header = String.format(Locale.ROOT, "%-" + width + "s %-8s %11s %10s %9s %10s %7s%n", "model", "role",
                "parameters", "ms/example", "accuracy", "agreement", "ECE");
        out.append(header).append("-".repeat(header.length() - 1)).append('\n');
        for (ModelProfile m : doc.models()) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %-8s %11s %10.3f %8.2f%% %10s %6.2f%%%n", m.name(),
                    m.role(),
                    m.parameters() == null ? "-" : String.format(Locale.ROOT, "%,d", m.parameters()),
                    m.speed().millisPerExample(), 100 * m.scores().accuracy(),
                    Double.isFinite(m.scores().agreement())
                            ? String.format(Locale.ROOT, "%.2f%%", 100 * m.scores().agreement()) : "-",
                    100 * m.scores().ece()));
        }
        return out.toString();
    }
}
