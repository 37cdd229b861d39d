package org.sparkdistill.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeToAccuracyTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDatasetDirectoryIsRefusedBeforeAnythingIsWritten() {
        Path output = dir.resolve("out");
        int status = TimeToAccuracy.execute("--data", dir.resolve("absent").toString(), "--output", output.toString());
        assertEquals(TimeToAccuracy.INVALID_INPUT, status);
        assertFalse(Files.exists(output));
    }

    @Test
    void invalidSettingsAreRefusedWithTheInvalidInputStatus() {
        assertEquals(TimeToAccuracy.INVALID_INPUT, TimeToAccuracy.execute("--target", "0", "--output", dir.toString()));
    }
}
