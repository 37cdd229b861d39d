package org.sparkdistill.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cluster's shape refuses values no cluster could have, naming the value and the valid range. */
class ClusterSpecTest {
    @Test
    void defaultsAreTwoWorkersWithOneCoreAndThreeGigabytes() {
        ClusterSpec spec = ClusterSpec.defaults();
        assertEquals(2, spec.workers());
        assertEquals(1, spec.coresPerWorker());
        assertEquals("3g", spec.memoryPerWorker());
        assertEquals(3, spec.withWorkers(3).workers());
    }

    @Test
    void refusesZeroWorkers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterSpec.defaults().withWorkers(0));
        assertEquals("workers = 0: must be in [1, 16]", e.getMessage());
    }

    @Test
    void refusesMemoryWithoutAUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterSpec.defaults().withMemoryPerWorker("3000"));
        assertEquals("memoryPerWorker = 3000: must be a whole number of megabytes or gigabytes, such as 3g or 1536m",
                e.getMessage());
    }

    @Test
    void refusesANonPositiveTimeout() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterSpec.defaults().withSubmitTimeout(Duration.ZERO));
        assertEquals("submitTimeout = PT0S: must be a positive duration", e.getMessage());
    }
}
