package org.sparkdistill.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.UpdaterKind;

class BenchSettingsTest {
    private static BenchSettings settings(double target, int workers, String master, List<String> contenders) {
        return new BenchSettings(Path.of("data"), 0, target, 5, workers, 64, 42, List.of(128), UpdaterKind.ADAM, 1e-3,
                master, contenders, Path.of("out"));
    }

    @Test
    void theMasterDefaultsToOneLocalThreadPerWorker() {
        assertEquals("local[3]", settings(0.8, 3, null, Contenders.names()).master());
        assertEquals("spark://head:7077", settings(0.8, 3, "spark://head:7077", Contenders.names()).master());
    }

    @Test
    void everyProblemIsListedWithItsValueAndRange() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> settings(1.5, 0, null, List.of("nobody", SingleProcessFit.NAME, SingleProcessFit.NAME)));
        String message = e.getMessage();
        assertTrue(message.contains("--target = 1.5: must be in (0, 1]"), message);
        assertTrue(message.contains("--workers = 0: must be in [1, 4096]"), message);
        assertTrue(message.contains("--contenders has 'nobody': known contenders are " + Contenders.names()), message);
        assertTrue(message.contains("--contenders names '" + SingleProcessFit.NAME + "' twice"), message);
    }

    @Test
    void anEmptyContenderListIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> settings(0.8, 2, null, List.of()));
        assertTrue(e.getMessage().contains("--contenders is empty"), e.getMessage());
    }

    @Test
    void theCatalogNamesSparkDistillAndBothBaselinesAndRefusesUnknownNames() {
        assertEquals(List.of(SparkDistillDataParallel.NAME, Dl4jParameterAveraging.NAME, SingleProcessFit.NAME),
                Contenders.names());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Contenders.create("nobody"));
        assertTrue(e.getMessage().contains("unknown contender 'nobody'"), e.getMessage());
    }
}
