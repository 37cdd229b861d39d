package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static final Pattern PLOT = Pattern.compile("<svg [^>]*data-plot=\"([^\"]+)\"");

    static List<String> plots(String html) {
        List<String> plots = new ArrayList<>();
        Matcher matcher = PLOT.matcher(html);
        while (matcher.find()) {
            plots.add(matcher.group(1));
        }
        return plots;
    }

    @Test
    void aDistillReportDrawsEveryPlot() {
        String html = HtmlReport.render(ReportFixtures.distill());
        assertEquals(List.of("accuracy", "loss", "agreement", "kl", "reliability", "per-class", "pipeline",
                "communication"), plots(html));
    }

    @Test
    void anEvaluateReportDrawsCalibrationAndPerClassAccuracyOnly() {
        String html = HtmlReport.render(ReportFixtures.evaluate());
        assertEquals(List.of("reliability", "per-class"), plots(html));
        assertFalse(html.contains("Learning curves"));
    }

    @Test
    void everyPlotHasTickedAxesAndMarks() {
        for (String svg : HtmlReport.render(ReportFixtures.distill()).split("<svg ")) {
            if (!svg.contains("data-plot")) {
                continue;
            }
            String yAxis = svg.substring(svg.indexOf("<g class=\"axis y\">"));
            String xAxis = svg.substring(svg.indexOf("<g class=\"axis x\">"));
            assertTrue(count(yAxis.substring(0, yAxis.indexOf("</g>")), "class=\"tick\"") >= 2, svg);
            assertTrue(count(xAxis.substring(0, xAxis.indexOf("</g>")), "class=\"tick\"") >= 2, svg);
            assertTrue(count(svg, "class=\"mark\"") >= 2, svg);
        }
    }

    @Test
    void opensWithWhatDistillationBoughtAndEscapesEveryName() {
        String html = HtmlReport.render(ReportFixtures.distill());
        assertTrue(html.indexOf("Knowledge distillation trains a small") < html.indexOf("<svg"));
        assertTrue(html.contains("12.0× fewer parameters") && html.contains("11.4× smaller file")
                && html.contains("10.0× faster per example") && html.contains("20.0× the throughput")
                && html.contains("5.00 points below the most accurate teacher"), html);
        assertTrue(html.contains("student &lt;b&gt;") && !html.contains("student <b>"), "names are escaped");
        assertTrue(html.contains("&lt;b&gt;escaped&lt;/b&gt;") && !html.contains("<b>escaped"), "settings are escaped");
        assertFalse(html.contains("<script"), "the report needs no script");
    }

    @Test
    void aMissingFigureShowsAsADashNotAsNaN() {
        String html = HtmlReport.render(ReportFixtures.evaluate());
        assertFalse(html.contains("NaN"), html);
        assertTrue(html.contains("<td>—</td>"));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
