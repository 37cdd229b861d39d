package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkdistill.core.optim.Training.assertSameTraining;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.train.UpdaterKind;

/**
 * Neither splitting the pass over threads nor how it is vectorized changes anything: each element is updated by the
 * same operations.
 */
class FusedUpdateThreadsTest {
    /**
     * 11,303 parameters: three threads take 12 chunks of 1,024 in turn, the last of 39 elements, a partial vector and a
     * partial tile.
     */
    static final List<Integer> HIDDEN = List.of(100, 100);

    @ParameterizedTest
    @EnumSource(UpdaterKind.class)
    void threeThreadsAndEitherVectorizationGiveTheSameBitsAsOneThreadOnTiles(UpdaterKind kind) {
        MultiLayerNetwork dl4j = Students.mlp(updater(kind), 5L, HIDDEN);
        MultiLayerNetwork tiles = Students.mlp(updater(kind), 5L, HIDDEN);
        MultiLayerNetwork vectors = Students.mlp(updater(kind), 5L, HIDDEN);
        MultiLayerNetwork shared = Students.mlp(updater(kind), 5L, HIDDEN);
        try (FusedUpdate one = FusedUpdate.of(tiles, 1, Vectorization.TILES).orElseThrow();
                FusedUpdate oneOnVectors = FusedUpdate.of(vectors, 1, Vectorization.VECTOR_API).orElseThrow();
                FusedUpdate three = FusedUpdate.of(shared, 3, Vectorization.VECTOR_API).orElseThrow()) {
            for (int step = 0; step < 4; step++) {
                dl4j.fit(Students.batch(20, 50 + step));
                FusedStep.fit(tiles, one, Students.batch(20, 50 + step));
                FusedStep.fit(vectors, oneOnVectors, Students.batch(20, 50 + step));
                FusedStep.fit(shared, three, Students.batch(20, 50 + step));
            }
        }
        for (MultiLayerNetwork other : List.of(vectors, shared)) {
            String what = other == vectors ? "the Vector API on 1 thread" : "the Vector API on 3 threads";
            assertIdentical(tiles.params(), other.params(), "parameters, " + what + " against tiles on 1");
            if (kind != UpdaterKind.SGD) {
                assertIdentical(tiles.getUpdater().getStateViewArray(), other.getUpdater().getStateViewArray(),
                        "updater state, " + what + " against tiles on 1");
            }
        }
        assertSameTraining(dl4j, shared, "3 threads against DL4J");
    }

    @Test
    void cutsAboutFourChunksPerThreadOfWholeTilesUpToTheLongest() {
        assertEquals(1024, FusedUpdate.chunkLength(11_303, 3));
        assertEquals(FusedUpdate.CHUNK_LENGTH, FusedUpdate.chunkLength(10_260_490, 2));
        assertEquals(Tile.LENGTH, FusedUpdate.chunkLength(100, 4), "never less than a tile");
        assertEquals(Tile.LENGTH, FusedUpdate.chunkLength(0, 2));
    }

    private static IUpdater updater(UpdaterKind kind) {
        return kind.withLearningRate(kind == UpdaterKind.ADAM ? 0.01 : 0.1);
    }
}
