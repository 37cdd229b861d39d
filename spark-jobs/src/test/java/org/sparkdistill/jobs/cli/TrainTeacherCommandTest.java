package org.sparkdistill.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.ModelZip;

/** {@code train-teacher} publishes its model file whole, and replaces one only with --overwrite. */
class TrainTeacherCommandTest {
    @TempDir
    Path dir;

    private static int run(StringWriter err, Path output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train-teacher", "--data",
                FashionMnist.DEFAULT_DIR.toString(), "--limit", "128", "--epochs", "1", "--output", output.toString()));
        args.addAll(List.of(more));
        return SparkDistill.execute(new PrintWriter(err, true), args.toArray(new String[0]));
    }

    @Test
    void theModelFileAppearsWholeAndIsReplacedOnlyWithOverwrite() throws IOException {
        Path model = dir.resolve("models/teacher.zip");
        assertEquals(0, run(new StringWriter(), model));
        var network = ModelZip.read(model, "teacher").multiLayerNetwork(false);
        assertEquals(10, network.layerSize(network.getnLayers() - 1), "a classifier of the 10 Fashion-MNIST classes");
        byte[] first = Files.readAllBytes(model);

        StringWriter refused = new StringWriter();
        assertEquals(SparkDistill.INVALID_INPUT, run(refused, model));
        assertTrue(refused.toString().contains("output " + model + " already exists; give --overwrite"),
                refused.toString());
        assertArrayEquals(first, Files.readAllBytes(model));

        assertEquals(0, run(new StringWriter(), model, "--overwrite", "--seed", "7"));
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(model)), "another seed, another teacher");
        try (var files = Files.list(dir.resolve("models"))) {
            assertEquals(List.of("teacher.zip"), files.map(p -> p.getFileName().toString()).toList(),
                    "nothing is left beside the model, the lock included");
        }
    }
}
