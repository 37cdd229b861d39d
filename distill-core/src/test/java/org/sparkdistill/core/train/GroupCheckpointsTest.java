package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkdistill.core.NetworkMemory;

/** The groups of a codistillation run resume together, from the newest step every group has intact. */
class GroupCheckpointsTest {
    @TempDir
    Path dir;

    private final MultiLayerNetwork network = Networks.mlp(4, List.of(3), 2, new Adam(0.01), 7L);
    private final List<String> skipped = new ArrayList<>();

    @AfterEach
    void release() {
        NetworkMemory.release(network);
    }

    @Test
    void everyGroupResumesFromTheNewestStepAllOfThemHave() {
        GroupCheckpoints checkpoints = new GroupCheckpoints(new LocalCheckpointStore(dir), 2);
        save(checkpoints.group(0), 2, 4, 6);
        save(checkpoints.group(1), 2, 4);

        List<Checkpoints.Checkpoint> latest = checkpoints.latest(skipped::add).orElseThrow();

        assertEquals(List.of("group-0-step-000000000004", "group-1-step-000000000004"),
                latest.stream().map(Checkpoints.Checkpoint::name).toList());
        assertEquals(List.of(), skipped, "a step a group never wrote is passed over without a warning");
    }

    @Test
    void aStepOneGroupHoldsDamagedIsPassedOverWithAWarningNamingTheFile() throws IOException {
        GroupCheckpoints checkpoints = new GroupCheckpoints(new LocalCheckpointStore(dir), 3);
        for (int g = 0; g < 3; g++) {
            save(checkpoints.group(g), 2, 4);
        }
        Path model = dir.resolve("group-2-step-000000000004").resolve(Checkpoints.MODEL_FILE);
        Files.write(model, new byte[] {1, 2, 3});

        List<Checkpoints.Checkpoint> latest = checkpoints.latest(skipped::add).orElseThrow();

        assertEquals(List.of(2L, 2L, 2L), latest.stream().map(c -> c.state().step()).toList());
        assertEquals(1, skipped.size(), skipped::toString);
        assertTrue(skipped.get(0).startsWith("checkpoint file " + model + " is truncated or corrupt"), skipped.get(0));
    }

    @Test
    void noStepCommonToEveryGroupMeansAFreshStart() {
        GroupCheckpoints checkpoints = new GroupCheckpoints(new LocalCheckpointStore(dir), 2);
        assertEquals(Optional.empty(), checkpoints.latest(skipped::add), "no checkpoints at all");
        save(checkpoints.group(1), 2);
        assertEquals(Optional.empty(), checkpoints.latest(skipped::add), "group 0 has none");
        assertEquals(List.of(), skipped);
    }

    @Test
    void aLoneGroupKeepsTheFoldersOfAPlainRun() {
        GroupCheckpoints checkpoints = new GroupCheckpoints(new LocalCheckpointStore(dir), 1);
        save(checkpoints.group(0), 3);

        assertEquals(List.of("step-000000000003"), checkpoints.latest(skipped::add).orElseThrow().stream()
                .map(Checkpoints.Checkpoint::name).toList());
        assertEquals(new Checkpoints(new LocalCheckpointStore(dir)).latest(), Optional.of(checkpoints.latest()
                .orElseThrow().get(0)));
    }

    private void save(Checkpoints checkpoints, long... steps) {
        for (long step : steps) {
            checkpoints.save(network, TrainingProgress.of(new TrainingState(step, 0, (int) step)), 1L);
        }
    }
}
