package org.sparkdistill.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.jobs.config.DistillConfig;

/** Where a setting comes from: the file, then the Spark configuration, then the command's options, then --set. */
class JobOptionsTest {
    @TempDir
    Path dir;

    @Test
    void sparkConfigurationSettingsOverTheFileUnderTheOptions() throws IOException {
        JobOptions options = new JobOptions();
        options.config = Files.writeString(dir.resolve("job.yaml"),
                "data: {train: /data}\noutput: /out\ntraining: {epochs: 3, seed: 7, batchSize: 16}\nstudent: {hidden: [8]}\n");
        options.limit = 100;
        options.settings.put("training.epochs", "5");

        DistillConfig config = options.resolve(Map.of("training.epochs", "4", "training.seed", "9",
                "data.limit", "50", "student.hidden", "[12]"), Map.of("training.batchSize", "32"));

        assertEquals(5, config.training().epochs(), "--set over the Spark configuration");
        assertEquals(9, config.training().seed(), "the Spark configuration over the file");
        assertEquals(100, config.data().limit(), "an option over the Spark configuration");
        assertEquals(32, config.training().batchSize(), "the command's own option over the file");
        assertEquals(List.of(12), config.student().hidden(), "the Spark configuration over the file");
    }
}
