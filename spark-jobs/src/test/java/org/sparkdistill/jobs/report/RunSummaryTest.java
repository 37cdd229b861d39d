package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

class RunSummaryTest {
    static final CommunicationMetrics COMMUNICATION = new CommunicationMetrics(32, 0.01, 0.02, 0.003, 0.015,
            0.002, 0.004, 0.005, 0.0045, 0.7, 1.2e8, "[0|1|2]", 1, 0.004, 0.12).withTraffic(52_976.0, 1_047.5);
    static final PipelineMetrics PIPELINE = new PipelineMetrics(2, List.of(new StageTimes("decode", 10, 0.1, 0.5, 0.3),
            new StageTimes("teacher", 10, 0.4, 0.1, 0.2), new StageTimes("student", 10, 0.9, 0.1, 0)));

    private static JsonNode firstEpoch(RunSummary summary) {
        return Json.read(Json.write(summary), "summary").get("epochs").get(0);
    }

    @Test
    void anEpochOfSeveralWorkersCarriesItsCommunicationBlock() {
        JsonNode communication = firstEpoch(new RunSummary("two workers", List.of(
                new EpochMetrics(1, 32, 0.9, 0.8, Double.NaN, Double.NaN, 0.05, 1.0).withCommunication(COMMUNICATION)),
                2.0)).get("communication");
        assertEquals(32L, communication.get("steps").asLong());
        assertEquals(0.01 + 0.02 + 0.004 + 0.003, communication.get("stepSeconds").asDouble(), 1e-12);
        assertEquals(0.015, communication.get("communicationSeconds").asDouble());
        assertEquals(0.002, communication.get("communicationCpuSeconds").asDouble());
        assertEquals(0.004, communication.get("exposedSeconds").asDouble());
        assertEquals(0.0045, communication.get("groupTailSeconds").asDouble());
        assertEquals(0.7, communication.get("overlapRatio").asDouble());
        assertEquals("[0|1|2]", communication.get("plan").asText());
        assertEquals(1, communication.get("planChanges").asInt());
        assertEquals(0.12, communication.get("communicationPredictionError").asDouble());
        assertEquals(52_976.0, communication.get("bytesSentPerStep").asDouble());
        assertEquals(1_047.5, communication.get("crossGroupBytesPerStep").asDouble());
        List<String> fields = new ArrayList<>();
        communication.fieldNames().forEachRemaining(fields::add);
        assertEquals(18, fields.size(), fields.toString());
    }

    @Test
    void anEpochCarriesItsPipelineBlockWithEveryStage() {
        JsonNode block = firstEpoch(new RunSummary("piped", List.of(
                new EpochMetrics(1, 10, 0.9, 0.8, 0.7, 0.2, 0.05, 1.0).withPipeline(PIPELINE)), 1.5)).get("pipeline");
        assertEquals(2, block.get("depth").asInt());
        assertEquals(0.1, block.get("dataStallFraction").asDouble(), 1e-12);
        List<String> stages = new ArrayList<>();
        block.get("stages").forEach(stage -> stages.add(stage.get("stage").asText()));
        assertEquals(List.of("decode", "teacher", "student"), stages);
        JsonNode teacher = block.get("stages").get(1);
        assertEquals(10, teacher.get("items").asLong());
        assertEquals(0.4, teacher.get("busySeconds").asDouble());
        assertEquals(0.1, teacher.get("inputStallSeconds").asDouble());
        assertEquals(0.2, teacher.get("outputStallSeconds").asDouble());
        assertFalse(block.has("student"), "the student stage appears once, among the stages");
    }

    @Test
    void aLoneStudentOfOneWorkerHasNeitherCommunicationNorPeersAndNoTeacherMeansNullAgreement() {
        JsonNode epoch = firstEpoch(new RunSummary("alone", List.of(
                new EpochMetrics(1, 32, 0.9, 0.8, Double.NaN, Double.NaN, 0.05, 1.0)), 1.5));
        assertFalse(epoch.has("communication"));
        assertFalse(epoch.has("peers"));
        assertTrue(epoch.get("agreement").isNull());
    }

    @Test
    void peersAndTheFinalEpochAreWritten() {
        EpochMetrics first = new EpochMetrics(1, 5, 1.0, 0.7, 0.7, 0.3, 0.1, 1.0);
        EpochMetrics last = new EpochMetrics(2, 10, 0.5, 0.8, 0.8, 0.2, 0.05, 2.0).withPeers(1,
                List.of(new PeerMetrics(0, 0.75, 0.7, 0.25, 0.06), new PeerMetrics(1, 0.8, 0.8, 0.2, 0.05)));
        JsonNode run = Json.read(Json.write(new RunSummary("peers", List.of(first, last), 3.0)), "run");
        assertEquals(List.of("name", "seconds", "final", "epochs"), fieldNames(run));
        assertEquals(2, run.get("final").get("epoch").asInt());
        assertEquals(1, run.get("final").get("peer").asInt());
        assertEquals(0.75, run.get("final").get("peers").get(0).get("accuracy").asDouble());
    }

    @Test
    void aRunWithoutEpochsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RunSummary("empty", List.of(), 0));
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
