package org.sparkdistill.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.output.NamedPath;

/** What the jobs configured by a {@link DistillConfig} read, by the keys that name it, for the output rules. */
public final class JobInputs {
    private JobInputs() {}

    /** What {@code teacher-infer} reads: the data, every teacher file and the configuration file, if any. */
    public static List<NamedPath> ofTeacherInfer(DistillConfig config, Path configFile) {
        List<NamedPath> inputs = new ArrayList<>();
        inputs.add(new NamedPath("data.train", config.data().train()));
        inputs.add(new NamedPath("data.test", config.data().test()));
        for (int k = 0; k < config.teachers().size(); k++) {
            inputs.add(new NamedPath("teachers[" + k + "].path", config.teachers().get(k).path()));
        }
        if (configFile != null) {
            inputs.add(new NamedPath("--config", configFile.toString()));
        }
        return inputs;
    }

    /** What {@code distill} reads: what {@code teacher-infer} reads, the soft-label cache and the checkpoints. */
    public static List<NamedPath> ofDistill(DistillConfig config, Path configFile) {
        List<NamedPath> inputs = ofTeacherInfer(config, configFile);
        inputs.add(new NamedPath("cache.path", config.cache().path()));
        inputs.add(new NamedPath("training.checkpointDirectory", DistillJob.checkpointDirectory(config)));
        return inputs;
    }
}
