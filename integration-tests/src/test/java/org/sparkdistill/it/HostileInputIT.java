package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.ChildJvm;
import org.sparkdistill.core.io.HostileZips;
import org.sparkdistill.jobs.cli.SparkDistill;
import untrusted.ClassLoadingMarker;

/**
 * Hostile files given to the command line, run as a JVM of its own with a 1 GiB heap: each is refused with exit
 * status 2 and a message within seconds, without running out of memory and without loading what it names.
 */
class HostileInputIT {
    /** How long a refusal may take, JVM start included. */
    private static final Duration QUICK = Duration.ofSeconds(30);
    /** When a run that has not ended is killed and the test fails. */
    private static final Duration KILLED_AFTER = Duration.ofSeconds(120);

    /** Nine levels of ten aliases each: a billion strings once expanded. */
    private static final String BILLION_LAUGHS = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
            data: {train: *i}
            output: out
            """;

    @TempDir
    Path dir;

    ChildJvm.Exit cli(List<String> jvmOptions, String... args) {
        return ChildJvm.run(dir, KILLED_AFTER, jvmOptions, SparkDistill.class.getName(), args);
    }

    ChildJvm.Exit distill(Path config) {
        return cli(List.of("-Xmx1g"), "distill", "--config", config.toString());
    }

    static void assertRefusedQuickly(ChildJvm.Exit exit, String message) {
        assertEquals(SparkDistill.INVALID_INPUT, exit.status(), exit.err());
        assertEquals("error: " + message, exit.err().strip(), exit.err());
        assertTrue(exit.took().compareTo(QUICK) < 0, "refused after " + exit.took());
    }

    @Test
    void aConfigurationThatNeverEndsIsRefusedUnread() {
        assertRefusedQuickly(distill(Path.of("/dev/zero")),
                "configuration file /dev/zero is not a regular file (a device, pipe or socket); give a file");
    }

    @Test
    void anAliasBombIsRefused() throws IOException {
        Path config = Files.writeString(dir.resolve("laughs.yaml"), BILLION_LAUGHS);
        assertRefusedQuickly(distill(config),
                config + ": not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50");
    }

    @Test
    void aFourMebibyteConfigurationIsRefused() throws IOException {
        String line = "# " + "x".repeat(1021) + "\n";
        Path config = Files.writeString(dir.resolve("huge.yaml"), "data: {train: x}\noutput: out\n"
                + line.repeat(4 * 1024));
        assertTrue(Files.size(config) > 4 << 20);
        assertRefusedQuickly(distill(config),
                "configuration file " + config + " is larger than 1 MiB (1048576 bytes), the most it may hold");
    }

    @Test
    void aModelWithASerializedEntryIsRefusedByEvaluateAndTheClassItNamesIsNeverInitialised() throws IOException {
        byte[] model = Files.readAllBytes(Fixtures.networkWithClasses(dir, 10));
        Path hostile = Files.write(dir.resolve("hostile.zip"), HostileZips.with(model,
                Map.entry("preprocessor.bin", HostileZips.serializedObjectOf(ClassLoadingMarker.class.getName()))));
        Path marker = dir.resolve("marker");
        ChildJvm.Exit exit = cli(List.of("-Xmx1g", "-D" + ClassLoadingMarker.MARKER_PROPERTY + "=" + marker),
                "evaluate", "--model", hostile.toString(), "--data", Fixtures.fashionMnist().toString());
        assertFalse(Files.exists(marker), "the class named in the serialized entry was initialised");
        assertEquals(SparkDistill.INVALID_INPUT, exit.status(), exit.err());
        assertTrue(exit.err().contains("error: model file " + hostile + " holds the entry preprocessor.bin, which"
                + " DL4J would read by Java deserialization"), exit.err());
    }
}
