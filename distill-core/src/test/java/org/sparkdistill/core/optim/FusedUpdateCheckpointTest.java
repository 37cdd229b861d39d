package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkdistill.core.optim.Training.assertSameTraining;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/** A network trained with the fused update, saved with its updater state and restored, continues as if never stopped. */
class FusedUpdateCheckpointTest {
    static final int STEPS = 6;
    static final int SAVED_AFTER = 3;

    @TempDir
    Path dir;

    static IUpdater updater() {
        return UpdaterKind.ADAM.withLearningRate(0.01, LearningRateSchedule.LINEAR, STEPS);
    }

    @ParameterizedTest
    @EnumSource(Students.Kind.class)
    void continuesFromACheckpointLikeAnUninterruptedRun(Students.Kind kind) throws IOException {
        Model uninterrupted = kind.build(updater(), 21L);
        for (int step = 0; step < STEPS; step++) {
            Training.fitWithDl4j(uninterrupted, Students.batch(12, 300 + step));
        }

        Model first = kind.build(updater(), 21L);
        File checkpoint = dir.resolve("student.zip").toFile();
        try (FusedUpdate update = FusedUpdate.of(first, 1).orElseThrow()) {
            for (int step = 0; step < SAVED_AFTER; step++) {
                Training.fitFused(first, update, Students.batch(12, 300 + step));
            }
        }
        ModelSerializer.writeModel(first, checkpoint, true);

        Model resumed = kind == Students.Kind.MLP ? ModelSerializer.restoreMultiLayerNetwork(checkpoint, true)
                : ModelSerializer.restoreComputationGraph(checkpoint, true);
        assertEquals(SAVED_AFTER, BaseOptimizer.getIterationCount(resumed), "the checkpoint keeps the iteration count");
        try (FusedUpdate update = FusedUpdate.of(resumed, 1).orElseThrow()) {
            for (int step = SAVED_AFTER; step < STEPS; step++) {
                Training.fitFused(resumed, update, Students.batch(12, 300 + step));
            }
        }
        assertSameTraining(uninterrupted, resumed, kind + " resumed after step " + SAVED_AFTER);
    }
}
