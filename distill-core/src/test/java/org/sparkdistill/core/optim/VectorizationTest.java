package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.ChildJvm;
import org.sparkdistill.core.train.UpdaterKind;

class VectorizationTest {

    @Test
    void theBuildsTestJvmsRunTheVectorApi() {
        assertEquals(Vectorization.VECTOR_API, Vectorization.best(),
                "the tests' JVM options (jvm.options in the parent pom) add " + Vectorization.MODULE);
        assertTrue(VectorKernels.lanes() >= 4, "lanes: " + VectorKernels.lanes());
        assertEquals("Vector API, " + VectorKernels.lanes() + " float lanes", Vectorization.VECTOR_API.describe());
        assertEquals("auto-vectorized tiles", Vectorization.TILES.describe());
    }

    @Test
    void aFusedUpdateTakesTheBestUnlessAsked() {
        try (FusedUpdate best = FusedUpdate.of(Students.mlp(UpdaterKind.ADAM.withLearningRate(0.01), 1L, List.of(4)), 1)
                .orElseThrow();
                FusedUpdate tiles = FusedUpdate.of(Students.mlp(UpdaterKind.ADAM.withLearningRate(0.01), 1L,
                        List.of(4)), 1, Vectorization.TILES).orElseThrow()) {
            assertEquals(Vectorization.best(), best.vectorization());
            assertEquals(Vectorization.TILES, tiles.vectorization());
        }
    }

    @Test
    void aJvmWithoutTheModuleRunsTilesAndRefusesTheVectorApiNamingTheOption(@TempDir Path dir) {
        ChildJvm.Exit exit = ChildJvm.run(dir, Duration.ofMinutes(2), List.of(), VectorizationProbe.class.getName());
        assertEquals(0, exit.status(), exit.err());
        List<String> lines = exit.out().lines().toList();
        assertEquals(List.of("TILES",
                "auto-vectorized tiles (--add-modules=jdk.incubator.vector would use the Vector API)",
                "the fused update's VECTOR_API needs the JVM option --add-modules=jdk.incubator.vector (in "
                        + "spark.driver.extraJavaOptions and spark.executor.extraJavaOptions under Spark)"), lines);
    }
}
