package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.output.NamedPath;

class JobInputsTest {
    static DistillConfig config(Map<String, String> settings) {
        return ConfigLoader.parse("""
                data: {train: /d/train, limit: 10}
                teachers: [{path: /m/a.zip}, {path: "hdfs://nn/m/b.zip"}]
                output: /runs/out
                """, "job.yaml", settings);
    }

    @Test
    void teacherInferReadsTheDataTheTeachersAndTheConfigurationFile() {
        assertEquals(List.of(new NamedPath("data.train", "/d/train"), new NamedPath("data.test", null),
                new NamedPath("teachers[0].path", "/m/a.zip"), new NamedPath("teachers[1].path", "hdfs://nn/m/b.zip"),
                new NamedPath("--config", "/c/job.yaml")), JobInputs.ofTeacherInfer(config(Map.of()), Path.of("/c/job.yaml")));
    }

    @Test
    void distillAlsoReadsTheCacheAndTheCheckpointsWhereverTheyAre() {
        List<NamedPath> defaults = JobInputs.ofDistill(config(Map.of()), null);
        assertEquals(List.of(new NamedPath("data.train", "/d/train"), new NamedPath("data.test", null),
                new NamedPath("teachers[0].path", "/m/a.zip"), new NamedPath("teachers[1].path", "hdfs://nn/m/b.zip"),
                new NamedPath("cache.path", null),
                new NamedPath("training.checkpointDirectory", "file:/runs/out.checkpoints")), defaults);
        List<NamedPath> configured = JobInputs.ofDistill(config(Map.of("data.test", "/d/test", "cache.path", "/c/cache",
                "training.checkpointDirectory", "hdfs://nn/ckpt")), null);
        assertEquals(List.of(new NamedPath("data.test", "/d/test"), new NamedPath("cache.path", "/c/cache"),
                new NamedPath("training.checkpointDirectory", "hdfs://nn/ckpt")),
                List.of(configured.get(1), configured.get(4), configured.get(5)));
    }
}
