package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.sparkdistill.jobs.cli.SparkDistill;
import picocli.CommandLine;

/** The release the build makes is the one {@code --version} and the provenance name, run from classes as here. */
class ReleaseVersionTest {
    private static final String BUILD_VERSION = System.getProperty("build.version");

    @Test
    void runFromClassesTheReleaseIsTheBuildsVersion() {
        assertEquals(BUILD_VERSION, ReleaseVersion.current());
    }

    @Test
    void versionPrintsTheRelease() {
        StringWriter out = new StringWriter();
        int status = new CommandLine(new SparkDistill()).setOut(new PrintWriter(out)).execute("--version");
        assertEquals(0, status);
        assertEquals("spark-distill " + BUILD_VERSION + System.lineSeparator(), out.toString());
    }

    @Test
    void theProvenanceNamesTheRelease() {
        assertEquals(BUILD_VERSION, Provenance.of(1, "config", "backend").sparkDistillVersion());
    }
}
