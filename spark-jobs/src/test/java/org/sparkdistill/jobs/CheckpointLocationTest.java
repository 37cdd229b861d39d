package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

class CheckpointLocationTest {
    static DistillConfig config(Map<String, String> overrides) {
        return ConfigLoader.parse("data: {train: /data/fashion}\noutput: /runs/out\n", "job.yaml", overrides);
    }

    @Test
    void theLocalDefaultIsBesideTheOutputInLocalMode() {
        DistillConfig config = config(Map.of("training.checkpointEvery", "10"));
        assertEquals("file:/runs/out.checkpoints", CheckpointLocation.of(config, "local[2]"));
    }

    @Test
    void theLocalDefaultIsRefusedOnAClusterNamingTheKeyToSet() {
        DistillConfig config = config(Map.of("training.checkpointEvery", "10"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CheckpointLocation.of(config, "spark://head:7077"));
        assertTrue(e.getMessage().contains("set training.checkpointDirectory")
                && e.getMessage().contains("spark://head:7077") && e.getMessage().contains("file:/runs/out.checkpoints"),
                e.getMessage());
    }

    @Test
    void aConfiguredDirectoryIsTakenAsGivenOnACluster() {
        DistillConfig config = config(Map.of("training.checkpointEvery", "10",
                "training.checkpointDirectory", "hdfs://nn/ckpt"));
        assertEquals("hdfs://nn/ckpt", CheckpointLocation.of(config, "yarn"));
    }
}
