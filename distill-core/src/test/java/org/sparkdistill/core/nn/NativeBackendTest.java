package org.sparkdistill.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.ChildJvm;

class NativeBackendTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void oneDnnOnlyForX8664LinuxWithAvx2AndFma() {
        CpuFeatures avx2 = new CpuFeatures(Set.of("sse2", "avx", "avx2", "fma"));
        assertEquals("-onednn-avx2", NativeBackend.extensionFor("linux-x86_64", avx2));
        assertEquals("", NativeBackend.extensionFor("linux-x86_64", new CpuFeatures(Set.of("sse2", "avx"))));
        assertEquals("", NativeBackend.extensionFor("linux-x86_64", new CpuFeatures(Set.of("avx2"))));
        assertEquals("", NativeBackend.extensionFor("linux-x86_64", new CpuFeatures(Set.of())));
        assertEquals("", NativeBackend.extensionFor("linux-arm64", avx2));
        assertEquals("", NativeBackend.extensionFor("macosx-x86_64", avx2));
    }

    @Test
    void readsTheFlagsLineOfCpuinfo() {
        CpuFeatures cpu = CpuFeatures.parseFlagsLine("flags\t\t: fpu vme sse2 AVX avx2 fma  bmi2");
        assertEquals(Set.of("fpu", "vme", "sse2", "avx", "avx2", "fma", "bmi2"), cpu.flags());
        assertTrue(cpu.hasAvx2());
        assertEquals(Set.of(), CpuFeatures.parseFlagsLine("flags :").flags());
    }

    @Test
    void aJvmOnThisMachineLoadsTheBuildItsProcessorRuns(@TempDir Path dir) {
        String out = probe(dir);
        if (CpuFeatures.ofThisMachine().hasAvx2()) {
            assertTrue(out.contains("asked=-onednn-avx2"), out);
            assertTrue(out.contains("loaded=linux-x86_64-onednn-avx2 (oneDNN, native convolution helpers)"), out);
        } else {
            assertTrue(out.contains("loaded=linux-x86_64 (OpenBLAS, native convolution helpers)"), out);
        }
    }

    @Test
    void aMissingBuildFallsBackToThePlainNatives(@TempDir Path dir) {
        String out = probe(dir, "-D" + NativeBackend.EXTENSION_PROPERTY + "=-no-such-build");
        assertTrue(out.contains("asked=-no-such-build"), out);
        assertTrue(out.contains("loaded=linux-x86_64 (OpenBLAS, "), out);
    }

    @Test
    void theUsersChoiceOfHelpersIsKept(@TempDir Path dir) {
        String out = probe(dir, "-D" + NativeBackend.HELPERS_DISABLE_PROPERTY + "=true");
        assertTrue(out.contains(", built-in convolution)"), out);
    }

    @Test
    void describesWhatThisJvmLoaded() {
        assumeTrue("linux-x86_64".equals(org.bytedeco.javacpp.Loader.getPlatform()), "natives named for x86-64 Linux");
        String described = NativeBackend.describe();
        assertTrue(described.matches("linux-x86_64(-onednn-avx2)? \\((oneDNN|OpenBLAS), .+\\)"), described);
    }

    /** Runs {@link NativeBackendProbe} in a child JVM with {@code options} and returns what it printed. */
    private static String probe(Path dir, String... options) {
        ChildJvm.Exit exit = ChildJvm.run(dir, CHILD_TIMEOUT, List.of(options), NativeBackendProbe.class.getName());
        assertEquals(0, exit.status(), exit.err());
        return exit.out();
    }
}
