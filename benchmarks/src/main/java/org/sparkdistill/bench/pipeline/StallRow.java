package org.sparkdistill.bench.pipeline;

import java.util.Locale;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * One run's step loop as the input pipeline measured it, with the student's waiting split by cause.
 *
 * <p>The student's time per step is its own work plus its wait for the next batch. With the stages on their own
 * threads, the wait is put down to the data stages as far as the teacher stage was itself waiting for its input, and
 * to the teacher for the rest; with the stages run inline, the wait is the stages' own work, split the same way.
 *
 * @param source where the soft targets came from: the online teacher or a cache
 * @param pipeline the measured times, summed over the run's epochs
 */
public record StallRow(String source, PipelineMetrics pipeline) {
    private static final String DECODE = "decode";
    private static final String BATCH = "batch";
    private static final String TEACHER = "teacher";

    public long steps() {
        return pipeline.student().items();
    }

    /** Wall time of the step loop: the student's work plus its waits. */
    public double loopSeconds() {
        StageTimes student = pipeline.student();
        return student.busySeconds() + student.inputStallSeconds();
    }

    public double stepsPerSecond() {
        return steps() / loopSeconds();
    }

    /** The student's wait put down to decoding and batching. */
    double dataWaitSeconds() {
        double wait = pipeline.student().inputStallSeconds();
        if (pipeline.depth() == 0) {
            return Math.min(wait, stage(DECODE).busySeconds() + stage(BATCH).busySeconds());
        }
        return Math.min(wait, stage(TEACHER).inputStallSeconds());
    }

    /** The student's wait put down to the teacher stage. */
    double teacherWaitSeconds() {
        return pipeline.student().inputStallSeconds() - dataWaitSeconds();
    }

    public StageTimes stage(String name) {
        return pipeline.stages().stream().filter(s -> s.stage().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage '" + name + "' in " + pipeline.stages()));
    }

    String markdown() {
        double loop = loopSeconds();
        double perStep = 1e3 / steps();
        return String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.2f | %.1f%% | %.1f%% | %.1f%% | %.2f | %.2f | %.2f |",
                source, pipeline.depth() == 0 ? "off" : "on, depth " + pipeline.depth(), steps(), loop,
                stepsPerSecond(), perStep * pipeline.student().busySeconds(),
                100 * pipeline.student().inputStallSeconds() / loop, 100 * dataWaitSeconds() / loop,
                100 * teacherWaitSeconds() / loop, perStep * stage(DECODE).busySeconds(),
                perStep * stage(BATCH).busySeconds(), perStep * stage(TEACHER).busySeconds());
    }

    static String markdownHeader() {
        return "| soft targets | pipeline | steps | step loop (s) | steps/s | student work (ms/step) | student waiting "
                + "| of it for data | of it for the teacher | decode (ms/step) | batch (ms/step) | teacher stage (ms/step) |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }
}
