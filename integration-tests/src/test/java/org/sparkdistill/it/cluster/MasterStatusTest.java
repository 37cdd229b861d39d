package org.sparkdistill.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the Master's {@code /json/} status, as Spark 3.5 writes it. */
class MasterStatusTest {
    @Test
    void countsOnlyAliveWorkers() throws IOException {
        try (InputStream in = MasterStatusTest.class.getResourceAsStream("/cluster/master-status.json")) {
            MasterStatus status = MasterStatus.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("spark://127.0.0.1:17077", status.url());
            assertEquals(List.of("ALIVE", "DEAD"), status.workerStates());
            assertEquals(1, status.aliveWorkers());
        }
    }

    @Test
    void aMasterWithoutWorkersHasNoneAlive() {
        MasterStatus status = MasterStatus.parse("{\"url\": \"spark://127.0.0.1:7077\", \"workers\": []}");
        assertEquals(0, status.aliveWorkers());
    }

    @Test
    void refusesTextThatIsNotJsonAndQuotesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MasterStatus.parse("<html>"));
        assertTrue(e.getMessage().contains("<html>"), e.getMessage());
    }
}
