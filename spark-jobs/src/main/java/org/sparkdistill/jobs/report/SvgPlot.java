package org.sparkdistill.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the report's plots as inline SVG: line plots over a numeric x axis and grouped bar plots over categories,
 * each with both axes ticked and titled, a legend under the plot area, and the value of every mark in its tooltip.
 *
 * <p>Every plot is an {@code <svg class="plot" data-plot="id">}; its axes are {@code <g class="axis x">} and
 * {@code <g class="axis y">} with {@code text.tick} labels, and its data marks carry class {@code mark}.
 */
final class SvgPlot {
    private static final int WIDTH = 470;
    private static final int HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    /** The plot area's lower edge; the x axis's ticks and title, or the category labels, go under it. */
    private static final int BOTTOM = HEIGHT - 50;
    private static final int LEGEND_ROW = 16;
    /** Room between the x axis's title and the legend's first row. */
    private static final int LEGEND_GAP = 4;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf"};

    /** One line: a name for the legend and its points; non-finite y values are left out. */
    record Line(String name, double[] x, double[] y) {}

    /** One series of bars: a name for the legend and a value per category. */
    record Bars(String name, double[] values) {}

    /** What an axis shows: its title, and a range the data must fit in (NaN: from the data). */
    record Axis(String title, double min, double max, boolean integers) {
        static Axis of(String title) {
            return new Axis(title, Double.NaN, Double.NaN, false);
        }

        static Axis integers(String title) {
            return new Axis(title, Double.NaN, Double.NaN, true);
        }

        static Axis fixed(String title, double min, double max) {
            return new Axis(title, min, max, false);
        }
    }

    private SvgPlot() {}

    /**
     * A line plot.
     *
     * @param diagonal whether to draw the line y = x, dashed, as the reliability diagram's ideal
     */
    static String lines(String id, String title, Axis xAxis, Axis yAxis, List<Line> lines, boolean diagonal) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Line line : lines) {
            for (int i = 0; i < line.x().length; i++) {
                if (Double.isFinite(line.y()[i])) {
                    xs.add(line.x()[i]);
                    ys.add(line.y()[i]);
                }
            }
        }
        Scale x = Scale.of(xAxis, xs, LEFT, WIDTH - RIGHT);
        Scale y = Scale.of(yAxis, ys, BOTTOM, TOP);
        StringBuilder svg = open(id, title, lines.size(), 0);
        axes(svg, x, y, xAxis.title(), yAxis.title());
        if (diagonal) {
            double low = Math.max(x.low(), y.low());
            double high = Math.min(x.high(), y.high());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                    + " stroke=\"#888\" stroke-dasharray=\"4 3\"><title>perfectly calibrated</title></line>", x.at(low), y.at(low),
                    x.at(high), y.at(high)));
        }
        for (int k = 0; k < lines.size(); k++) {
            Line line = lines.get(k);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < line.x().length; i++) {
                double v = line.y()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.at(line.x()[i]), y.at(v)));
                dots.append(String.format(Locale.ROOT, "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\""
                        + " fill=\"%s\"><title>%s: %s = %s, %s = %s</title></circle>", x.at(line.x()[i]), y.at(v), colour,
                        Html.escape(line.name()), Html.escape(xAxis.title()), x.label(line.x()[i]),
                        Html.escape(yAxis.title()), y.label(v)));
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"mark\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"2\" points=\"%s\"/>", colour, points.toString().trim())).append(dots);
            legend(svg, k, line.name(), colour, 0);
        }
        return svg.append("</svg>").toString();
    }

    /** A grouped bar plot: one group per category, one bar per series, from zero up. */
    static String bars(String id, String title, Axis yAxis, List<String> categories, List<Bars> series) {
        List<Double> values = new ArrayList<>(List.of(0.0));
        series.forEach(s -> {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    values.add(v);
                }
            }
        });
        int labelRoom = categoryLabelRoom(categories);
        Scale y = Scale.of(yAxis, values, BOTTOM, TOP);
        double groupWidth = (WIDTH - RIGHT - LEFT) / (double) categories.size();
        double barWidth = groupWidth * 0.8 / series.size();
        StringBuilder svg = open(id, title, series.size(), labelRoom);
        axes(svg, null, y, "", yAxis.title());
        svg.append("<g class=\"axis x\">");
        int bottom = BOTTOM;
        for (int c = 0; c < categories.size(); c++) {
            double centre = LEFT + groupWidth * (c + 0.5);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>",
                    centre, bottom, centre, bottom + 4));
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" font-size=\"11\" text-anchor=\"end\""
                    + " transform=\"translate(%.1f,%d) rotate(-35)\">%s</text>", centre + 3, bottom + 14,
                    Html.escape(categories.get(c))));
        }
        svg.append("</g>");
        for (int k = 0; k < series.size(); k++) {
            Bars s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            for (int c = 0; c < categories.size(); c++) {
                double v = s.values()[c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double left = LEFT + groupWidth * c + groupWidth * 0.1 + barWidth * k;
                double top = y.at(Math.max(v, 0));
                svg.append(String.format(Locale.ROOT, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                        + " height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>", left, top, barWidth,
                        Math.max(0.5, y.at(Math.min(v, 0)) - top), colour, Html.escape(s.name()),
                        Html.escape(categories.get(c)), y.label(v)));
            }
            legend(svg, k, s.name(), colour, labelRoom);
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String title, int legendRows, int labelRoom) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\""
                + " data-plot=\"%s\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">", Html.escape(id), WIDTH,
                HEIGHT + labelRoom + LEGEND_ROW * legendRows + LEGEND_GAP, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>", LEFT,
                Html.escape(title)));
        return svg;
    }

    /** The frame, the y axis's ticks, grid and title, and, unless {@code x} is null, the x axis's. */
    private static void axes(StringBuilder svg, Scale x, Scale y, String xTitle, String yTitle) {
        int bottom = BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>", LEFT, TOP, WIDTH - RIGHT - LEFT, bottom - TOP));
        svg.append("<g class=\"axis y\">");
        for (double tick : y.ticks()) {
            double at = y.at(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    LEFT, at, WIDTH - RIGHT, at, LEFT - 4, at, LEFT, at, LEFT - 6, at + 4, y.label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"title\" font-size=\"12\" text-anchor=\"middle\""
                + " transform=\"translate(14,%d) rotate(-90)\">%s</text></g>", (TOP + bottom) / 2,
                Html.escape(yTitle)));
        if (x == null) {
            return;
        }
        svg.append("<g class=\"axis x\">");
        for (double tick : x.ticks()) {
            double at = x.at(tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
                    + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                    at, bottom, at, bottom + 4, at, bottom + 16, x.label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"%d\" font-size=\"12\""
                + " text-anchor=\"middle\">%s</text></g>", (LEFT + WIDTH - RIGHT) / 2, bottom + 34,
                Html.escape(xTitle)));
    }

    private static void legend(StringBuilder svg, int row, String name, String colour, int labelRoom) {
        int y = HEIGHT + labelRoom + LEGEND_GAP + LEGEND_ROW * row;
        svg.append(String.format(Locale.ROOT, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\""
                + " fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text></g>", LEFT, y - 9, colour,
                LEFT + 18, y, Html.escape(name)));
    }

    /** Room under the plot for category labels slanted at 35°: about 4 pixels per character of the longest. */
    private static int categoryLabelRoom(List<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(1);
        return Math.min(90, 4 * longest);
    }

    /**
     * Maps data values to pixels between {@code from} (at the low end) and {@code to}, over a range widened to round
     * ticks: 1, 2 or 5 times a power of ten apart, about five of them.
     */
    record Scale(double low, double high, double step, double from, double to) {
        static Scale of(Axis axis, List<Double> values, double from, double to) {
            double min = Double.isNaN(axis.min()) ? values.stream().mapToDouble(Double::doubleValue).min().orElse(0)
                    : axis.min();
            double max = Double.isNaN(axis.max()) ? values.stream().mapToDouble(Double::doubleValue).max().orElse(1)
                    : axis.max();
            if (max - min < 1e-9) {
                double pad = Math.max(Math.abs(min) * 0.05, axis.integers() ? 1 : 1e-3);
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / 5);
            if (axis.integers()) {
                step = Math.max(1, Math.round(step));
            }
            double low = Math.floor(min / step + 1e-9) * step;
            double high = Math.ceil(max / step - 1e-9) * step;
            return new Scale(low, high, step, from, to);
        }

        static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double fraction = rough / magnitude;
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        }

        double at(double value) {
            return from + (to - from) * (value - low) / (high - low);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long count = Math.round((high - low) / step);
            for (long i = 0; i <= count; i++) {
                ticks.add(low + i * step);
            }
            return ticks;
        }

        String label(double value) {
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
            double shown = Math.abs(value) < step * 1e-6 ? 0 : value;
            return String.format(Locale.ROOT, "%." + decimals + "f", shown);
        }
    }
}
