package org.sparkdistill.jobs.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.HeldOutScores;
import org.sparkdistill.core.metrics.ReliabilityBin;

/** Fixed documents for the report's tests: every figure made up, nothing measured. */
final class ReportFixtures {
    static final Machine MACHINE = new Machine("build-host", 2, "Linux amd64", "OpenJDK 64-Bit Server VM 17",
            "linux-x86_64 (OpenBLAS, built-in convolution)");

    private ReportFixtures() {}

    static HeldOutScores scores(double accuracy, double agreement, double shift) {
        List<ReliabilityBin> bins = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            double confidence = b == 0 ? Double.NaN : 0.4 + 0.25 * b;
            bins.add(new ReliabilityBin(b / 3.0, (b + 1) / 3.0, b == 0 ? 0 : 10L * b, confidence, confidence - shift));
        }
        return new HeldOutScores(accuracy, agreement, 0.1, shift / 2,
                List.of(accuracy + 0.05, accuracy - 0.05, Double.NaN), bins);
    }

    /** A distill run of two epochs on two workers: a teacher, the student, communication and pipeline blocks. */
    static MetricsDocument distill() {
        ModelProfile teacher = new ModelProfile("teacher.onnx", ModelProfile.TEACHER, 1_200_000L, 4_800_000,
                new InferenceSpeed(2.5, 4_000, 256), scores(0.9, 1.0, 0.02));
        ModelProfile student = new ModelProfile("student <b>", ModelProfile.STUDENT, 100_000L, 420_000,
                new InferenceSpeed(0.25, 80_000, 256), scores(0.85, 0.9, 0.04));
        RunSummary run = new RunSummary("student <b>", List.of(
                new EpochMetrics(1, 10, 1.9, 0.81, 0.85, 0.20, 0.03, 2.0)
                        .withCommunication(RunSummaryTest.COMMUNICATION).withPipeline(RunSummaryTest.PIPELINE),
                new EpochMetrics(2, 20, 1.2, 0.855, 0.90, 0.12, 0.02, 4.0)
                        .withCommunication(RunSummaryTest.COMMUNICATION).withPipeline(RunSummaryTest.PIPELINE)), 4.5);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("temperature", 4.0);
        settings.put("note", "<b>escaped</b>");
        return new MetricsDocument(MetricsDocument.SCHEMA_VERSION, "distill", "1.2.3", "a <distill> run", MACHINE,
                List.of("T-shirt/top", "Trouser", "Pullover"), List.of(teacher, student), List.of(run), settings);
    }

    /** An evaluate run: a model and no teacher, no training. */
    static MetricsDocument evaluate() {
        ModelProfile model = new ModelProfile("student.zip", ModelProfile.MODEL, 100_000L, 420_000,
                new InferenceSpeed(0.25, 80_000, 256), scores(0.85, Double.NaN, 0.04));
        return new MetricsDocument(MetricsDocument.SCHEMA_VERSION, "evaluate", "1.2.3", "an evaluation", MACHINE,
                List.of("0", "1", "2"), List.of(model), List.of(), Map.of("model", "student.zip"));
    }
}
