package org.sparkdistill.core.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The instruction-set flags of this machine's processor, as the Linux kernel lists them in {@code /proc/cpuinfo}.
 *
 * @param flags the lower-case flag names ({@code avx2}, {@code fma}, …); empty where the kernel does not list them
 */
public record CpuFeatures(Set<String> flags) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    public CpuFeatures {
        flags = Set.copyOf(flags);
    }

    /** The flags of this machine; none where {@code /proc/cpuinfo} is missing or unreadable (not Linux). */
    public static CpuFeatures ofThisMachine() {
        if (!Files.isReadable(CPUINFO)) {
            return new CpuFeatures(Set.of());
        }
        try (var lines = Files.lines(CPUINFO, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.startsWith("flags")).findFirst()
                    .map(CpuFeatures::parseFlagsLine).orElse(new CpuFeatures(Set.of()));
        } catch (IOException | java.io.UncheckedIOException e) {
            // No flags known: the caller then takes the build that runs on any processor.
            return new CpuFeatures(Set.of());
        }
    }

    /** Parses one {@code flags : fpu vme … avx2 …} line of {@code /proc/cpuinfo}. */
    static CpuFeatures parseFlagsLine(String line) {
        int colon = line.indexOf(':');
        String list = colon < 0 ? "" : line.substring(colon + 1).trim();
        return new CpuFeatures(Arrays.stream(list.split("\\s+")).filter(flag -> !flag.isEmpty())
                .map(String::toLowerCase).collect(Collectors.toSet()));
    }

    /** Whether the processor runs code built for AVX2 with FMA, as ND4J's {@code -avx2} builds are. */
    public boolean hasAvx2() {
        return flags.contains("avx2") && flags.contains("fma");
    }
}
