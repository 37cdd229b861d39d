package org.sparkdistill.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineBenchSettingsTest {
    @Test
    void defaultsAreTheMeasuredRun() {
        PipelineBenchSettings s = PipelineBenchSettings.parse(new String[0]);
        assertEquals(List.of(1L, 2L, 3L), s.seeds());
        assertEquals(List.of(5, 3), s.topK());
        assertEquals(1, s.stallEpochs());
        assertEquals(5, s.accuracyEpochs());
        assertEquals(2, s.depth());
        assertEquals(Path.of("runs/pipeline"), s.output());
    }

    @Test
    void readsEveryOption() {
        PipelineBenchSettings s = PipelineBenchSettings.parse(new String[] {"--seeds", "7, 8", "--top-k", "4",
            "--depth", "3", "--batch-size", "32", "--stall-epochs", "2", "--accuracy-epochs", "1", "--data", "/d",
            "--teacher-cache", "/c", "--output", "/o"});
        assertEquals(List.of(7L, 8L), s.seeds());
        assertEquals(List.of(4), s.topK());
        assertEquals(3, s.depth());
        assertEquals(32, s.batchSize());
        assertEquals(Path.of("/c"), s.teacherCache());
    }

    @Test
    void listsEveryBadValueAndNamesMissingOnes() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PipelineBenchSettings.parse(
                new String[] {"--top-k", "10", "--depth", "0", "--stall-epochs", "0"}));
        assertTrue(bad.getMessage().contains("--top-k [10]") && bad.getMessage().contains("--depth 0")
                && bad.getMessage().contains("--stall-epochs 0"), bad.getMessage());
        assertEquals("--seeds: missing value", assertThrows(IllegalArgumentException.class,
                () -> PipelineBenchSettings.parse(new String[] {"--seeds"})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PipelineBenchSettings.parse(new String[] {"--depth", "two"})).getMessage().contains("not a whole"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PipelineBenchSettings.parse(new String[] {"--speed", "1"})).getMessage().contains("unknown option"));
    }
}
