package org.sparkdistill.jobs.report;

import java.util.List;
import java.util.Locale;

/** Draws one metric per epoch for several runs as an inline SVG line chart. */
final class LearningCurveChart {
    private static final int WIDTH = 460;
    private static final int HEIGHT = 260;
    private static final int MARGIN = 44;
    private static final int LEGEND_ROW = 15;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** One line of the chart: a run's name and its value after each epoch. */
    record Series(String name, List<Double> values) {}

    private LearningCurveChart() {}

    static String svg(String title, String axisLabel, List<Series> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int epochs = 1;
        for (Series s : series) {
            epochs = Math.max(epochs, s.values().size());
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!Double.isFinite(min)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9) {
            max = min + 1e-3;
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">",
                WIDTH, HEIGHT + LEGEND_ROW * series.size(), Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>", MARGIN, Html.escape(title)));
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
                MARGIN, 24, WIDTH - 2 * MARGIN, HEIGHT - 24 - MARGIN));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", 34, format(max)));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", HEIGHT - MARGIN, format(min)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">epoch 1 … %d · %s</text>",
                MARGIN, HEIGHT - MARGIN + 16, epochs, Html.escape(axisLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.values().size(); i++) {
                double v = s.values().get(i);
                if (Double.isFinite(v)) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, epochs), y(v, min, max)));
                }
            }
            svg.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", colour, points.toString().trim()));
            // The legend goes under the chart so it never covers a line.
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">— %s</text>",
                    MARGIN, HEIGHT - 6 + LEGEND_ROW * k, colour, Html.escape(s.name())));
        }
        return svg.append("</svg>").toString();
    }

    private static double x(int epochIndex, int epochs) {
        double span = WIDTH - 2.0 * MARGIN;
        return MARGIN + (epochs == 1 ? span / 2 : span * epochIndex / (epochs - 1));
    }

    private static double y(double value, double min, double max) {
        double top = 24;
        double bottom = HEIGHT - MARGIN;
        return bottom - (bottom - top) * (value - min) / (max - min);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
