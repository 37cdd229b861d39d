package org.sparkdistill.bench.codistill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodistillBenchSettingsTest {
    @TempDir
    Path temp;

    @Test
    void defaultsAreTheMeasuredRun() {
        CodistillBenchSettings s = CodistillBenchSettings.parse(new String[0]);
        assertEquals(4, s.ranks());
        assertEquals(2, s.groups());
        assertEquals(20, s.exchangeEvery());
        assertEquals(0.84, s.target());
        assertEquals(7, s.maxEpochs());
        assertEquals(24_000, s.limit());
        assertEquals(64, s.batchSize());
        assertEquals(1L, s.seed());
        assertEquals(2, s.rounds());
        assertEquals("shaped:1gbit", s.link());
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), s.data());
        assertEquals(Path.of("runs/codistill"), s.output());
        assertEquals(2, s.groupSize());
        assertEquals(6_000, s.largestShard());
        assertEquals(94, s.stepsPerEpoch());
    }

    @Test
    void readsEveryOptionAndPassesThemOnUnchanged() {
        String[] args = {"--ranks", "6", "--groups", "3", "--exchange-every", "50", "--target", "0.8", "--max-epochs",
            "9", "--limit", "1000", "--batch-size", "32", "--seed", "7", "--rounds", "3", "--link", "loopback",
            "--data", "/d", "--output", "/o"};
        CodistillBenchSettings s = CodistillBenchSettings.parse(args);
        assertEquals(new CodistillBenchSettings(6, 3, 50, 0.8, 9, 1000, 32, 7L, 3, "loopback", Path.of("/d"),
                Path.of("/o")), s);
        assertEquals(s, CodistillBenchSettings.parse(s.toArgs().toArray(String[]::new)));
        assertEquals(2, s.groupSize());
        assertEquals(167, s.largestShard(), "1,000 rows over 6 ranks: the first 4 ranks hold 167");
        assertEquals(6, s.stepsPerEpoch());
    }

    @Test
    void roundsAlternateTheOrderPlainFirst() {
        CodistillBenchSettings s = CodistillBenchSettings.parse(new String[0]);
        assertEquals(List.of(Parallelism.PLAIN, Parallelism.CODISTILL), s.order(0));
        assertEquals(List.of(Parallelism.CODISTILL, Parallelism.PLAIN), s.order(1));
        assertEquals(List.of(Parallelism.PLAIN, Parallelism.CODISTILL), s.order(2));
    }

    @Test
    void listsEveryBadValueWithItsNameAndRange() {
        String message = refused("--ranks", "4", "--groups", "3", "--exchange-every", "0", "--target", "1.5",
                "--max-epochs", "0", "--limit", "2", "--batch-size", "0", "--rounds", "0", "--link", "shaped:fast");
        for (String problem : List.of("--groups 3: must be 2 or more and divide --ranks 4 into groups of equal size",
                "--exchange-every 0: groups exchange parameters every so many steps, at least 1",
                "--target 1.5: must be an accuracy in (0, 1]", "--max-epochs 0: must be >= 1",
                "--limit 2: must be in [4 (a row per rank), 60000]", "--batch-size 0: must be >= 1",
                "--rounds 0: must be >= 1", "--link = shaped:fast")) {
            assertTrue(message.contains(problem), "missing '" + problem + "' in: " + message);
        }
    }

    @Test
    void refusesEdgeValues() {
        assertTrue(refused("--groups", "0").contains("--groups 0: must be 2 or more"), "no division by zero groups");
        assertTrue(refused("--groups", "1").contains("--groups 1: must be 2 or more"));
        assertTrue(refused("--ranks", "1", "--groups", "1").contains("--ranks 1: must be in [2, 16]"));
        assertTrue(refused("--ranks", "17").contains("--ranks 17: must be in [2, 16]"));
        assertTrue(refused("--target", "0").contains("--target 0.0: must be an accuracy in (0, 1]"));
        assertTrue(refused("--target", "NaN").contains("--target NaN"));
        assertTrue(refused("--limit", "60001").contains("--limit 60001: must be in [4 (a row per rank), 60000]"));
        assertEquals(1.0, CodistillBenchSettings.parse(new String[] {"--target", "1"}).target());
        assertEquals(4, CodistillBenchSettings.parse(new String[] {"--limit", "4"}).limit());
    }

    @Test
    void namesUnreadableAndUnknownOptions() {
        assertEquals("--ranks four: not a number, a whole number is expected", refused("--ranks", "four"));
        assertEquals("--target high: not a number", refused("--target", "high"));
        assertEquals("unknown option --speed", refused("--speed", "1"));
        assertEquals("--rounds: missing value", refused("--rounds"));
    }

    @Test
    void pathsNeedFashionMnistAndANewOutputDirectory() throws IOException {
        Path data = Files.createDirectory(temp.resolve("data"));
        Path output = Files.createDirectory(temp.resolve("taken"));
        CodistillBenchSettings s = CodistillBenchSettings.parse(new String[] {"--data", data.toString(), "--output",
            output.toString()});
        assertEquals(List.of("--data " + data + ": not a Fashion-MNIST IDX directory (train-images-idx3-ubyte and "
                + "train-labels-idx1-ubyte, optionally .gz)", "--output " + output + ": already exists; it is left as "
                + "it is, name a new directory"), s.pathProblems());
        Files.createFile(data.resolve("train-images-idx3-ubyte"));
        Files.createFile(data.resolve("train-labels-idx1-ubyte.gz"));
        CodistillBenchSettings fresh = CodistillBenchSettings.parse(new String[] {"--data", data.toString(),
            "--output", temp.resolve("new").toString()});
        assertEquals(List.of(), fresh.pathProblems());
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> CodistillBenchSettings.parse(args)).getMessage();
    }
}
