package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

class RunSummaryTest {
    private static final CommunicationMetrics COMMUNICATION = new CommunicationMetrics(32, 0.01, 0.02, 0.003, 0.015,
            0.002, 0.004, 0.005, 0.0045, 0.7, 1.2e8, "[0|1|2]", 1, 0.004, 0.12).withTraffic(52_976.0, 1_047.5);

    @Test
    void anEpochOfSeveralWorkersCarriesItsCommunicationBlock() {
        RunSummary summary = new RunSummary("two workers", List.of(
                new EpochMetrics(1, 32, 0.9, 0.8, Double.NaN, Double.NaN, 0.05, 1.0).withCommunication(COMMUNICATION)),
                2.0);
        Map<?, ?> epoch = (Map<?, ?>) ((List<?>) summary.toJsonTree().get("epochs")).get(0);
        Map<?, ?> communication = (Map<?, ?>) epoch.get("communication");
        assertEquals(32L, communication.get("steps"));
        assertEquals(0.01 + 0.02 + 0.004 + 0.003, (double) communication.get("stepSeconds"), 1e-12);
        assertEquals(0.015, communication.get("communicationSeconds"));
        assertEquals(0.002, communication.get("communicationCpuSeconds"));
        assertEquals(0.004, communication.get("exposedSeconds"));
        assertEquals(0.0045, communication.get("groupTailSeconds"));
        assertEquals(0.7, communication.get("overlapRatio"));
        assertEquals("[0|1|2]", communication.get("plan"));
        assertEquals(1, communication.get("planChanges"));
        assertEquals(0.12, communication.get("communicationPredictionError"));
        assertEquals(52_976.0, communication.get("bytesSentPerStep"));
        assertEquals(1_047.5, communication.get("crossGroupBytesPerStep"));
        assertEquals(18, communication.size(), communication.keySet().toString());
    }

    @Test
    void anEpochCarriesItsPipelineBlockWithEveryStage() {
        PipelineMetrics pipeline = new PipelineMetrics(2, List.of(new StageTimes("decode", 10, 0.1, 0.5, 0.3),
                new StageTimes("teacher", 10, 0.4, 0.1, 0.2), new StageTimes("student", 10, 0.9, 0.1, 0)));
        RunSummary summary = new RunSummary("piped", List.of(
                new EpochMetrics(1, 10, 0.9, 0.8, 0.7, 0.2, 0.05, 1.0).withPipeline(pipeline)), 1.5);
        Map<?, ?> epoch = (Map<?, ?>) ((List<?>) summary.toJsonTree().get("epochs")).get(0);
        Map<?, ?> block = (Map<?, ?>) epoch.get("pipeline");
        assertEquals(2, block.get("depth"));
        assertEquals(0.1, (double) block.get("dataStallFraction"), 1e-12);
        Map<?, ?> stages = (Map<?, ?>) block.get("stages");
        assertEquals(List.of("decode", "teacher", "student"), List.copyOf(stages.keySet()));
        Map<?, ?> teacher = (Map<?, ?>) stages.get("teacher");
        assertEquals(Map.of("items", 10L, "busySeconds", 0.4, "inputStallSeconds", 0.1, "outputStallSeconds", 0.2),
                teacher);
    }

    @Test
    void anEpochOfOneWorkerHasNoCommunicationBlock() {
        RunSummary summary = new RunSummary("alone", List.of(new EpochMetrics(1, 32, 0.9, 0.8, 0.7, 0.2, 0.05, 1.0)),
                1.5);
        Map<?, ?> epoch = (Map<?, ?>) ((List<?>) summary.toJsonTree().get("epochs")).get(0);
        assertFalse(epoch.containsKey("communication"));
    }

    @Test
    void aRunWithoutEpochsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RunSummary("empty", List.of(), 0));
    }
}
