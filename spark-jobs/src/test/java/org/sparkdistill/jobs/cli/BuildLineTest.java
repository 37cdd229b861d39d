package org.sparkdistill.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

class BuildLineTest {
    private static final BuildLine SPARK_3 = new BuildLine("3.5", "2.12");
    private static final BuildLine SPARK_4 = new BuildLine("4.2", "2.13");

    @Test
    void aJarRunsOnItsOwnLine() {
        assertEquals(Optional.empty(), SPARK_3.mismatch("3.5.9", "2.12.18"));
        assertEquals(Optional.empty(), SPARK_4.mismatch("4.2.0", "2.13.18"));
    }

    @Test
    void otherMinorVersionsOfTheSameMajorAreAccepted() {
        assertEquals(Optional.empty(), SPARK_3.mismatch("3.4.1", "2.12.17"));
        assertEquals(Optional.empty(), SPARK_4.mismatch("4.0.1", "2.13.16"));
    }

    @Test
    void aJarOfTheOtherSparkMajorIsRefusedNamingBothLines() {
        String message = SPARK_4.mismatch("3.5.9", "2.13.8").orElseThrow();
        assertTrue(message.contains("built for Spark 4.2 on Scala 2.13") && message.contains("runs on Spark 3.5.9"),
                message);
    }

    @Test
    void aJarOfTheOtherScalaVersionIsRefused() {
        String message = SPARK_3.mismatch("3.5.9", "2.13.8").orElseThrow();
        assertTrue(message.contains("on Scala 2.12") && message.contains("on Scala 2.13.8"), message);
    }

    @Test
    void theLineIsReadFromTheManifestAndIsAbsentWithoutIt() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        assertEquals(Optional.empty(), BuildLine.of(manifest));
        manifest.getMainAttributes().put(BuildLine.SPARK_LINE, "4.2");
        assertEquals(Optional.empty(), BuildLine.of(manifest));
        manifest.getMainAttributes().put(BuildLine.SCALA_BINARY_VERSION, "2.13");
        assertEquals(Optional.of(SPARK_4), BuildLine.of(manifest));
    }

    @Test
    void theRunningVersionsAreReadFromTheClassPath() {
        assertTrue(BuildLine.runningSparkVersion().matches("[34]\\.\\d+\\.\\d+.*"), BuildLine.runningSparkVersion());
        assertTrue(BuildLine.runningScalaVersion().matches("2\\.1[23]\\.\\d+"), BuildLine.runningScalaVersion());
    }
}
