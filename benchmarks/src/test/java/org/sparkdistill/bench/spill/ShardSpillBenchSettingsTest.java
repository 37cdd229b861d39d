package org.sparkdistill.bench.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.data.ShuffleOrder;

class ShardSpillBenchSettingsTest {
    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> ShardSpillBenchSettings.parse(args)).getMessage();
    }

    @Test
    void defaultsAreTheMeasuredRun() {
        ShardSpillBenchSettings s = ShardSpillBenchSettings.parse(new String[0]);
        assertEquals(10, s.copies());
        assertEquals(1, s.epochs());
        assertEquals(1, s.rounds());
        assertEquals(64, s.batchSize());
        assertEquals(2, s.depth());
        assertEquals(16L << 20, s.spilledBudget());
        assertEquals(ShuffleOrder.DEFAULT, s.order());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), s.spillDirectory());
        assertEquals(Path.of("runs/shard-spill"), s.output());
    }

    @Test
    void readsEveryOption() {
        ShardSpillBenchSettings s = ShardSpillBenchSettings.parse(new String[] {"--data", "/d", "--copies", "2",
            "--epochs", "3", "--rounds", "4", "--batch-size", "32", "--depth", "1", "--spilled-memory", "2g",
            "--shuffle-block", "64", "--shuffle-buffer", "1000", "--spill-dir", "/s", "--output", "/o"});
        assertEquals(new ShardSpillBenchSettings(Path.of("/d"), 2, 3, 4, 32, 1, 2L << 30, new ShuffleOrder(64, 1000),
                Path.of("/s"), Path.of("/o")), s);
        assertEquals(0L, ShardSpillBenchSettings.parse(new String[] {"--spilled-memory", "0"}).spilledBudget());
    }

    @Test
    void listsEveryBadValueAndNamesMalformedOnes() {
        assertEquals("--copies 0: must be >= 1; --rounds 0: must be >= 1; --depth -1: must be >= 1; "
                + "--spilled-memory -1: must be >= 0 bytes", refused("--copies", "0", "--rounds", "0", "--depth", "-1",
                "--spilled-memory", "-5m"));
        assertEquals("--spilled-memory lots: not a whole number of bytes with an optional unit (k, m, g)",
                refused("--spilled-memory", "lots"));
        assertEquals("--shuffle-block 0, --shuffle-buffer 16384: shuffle block = 0 rows: must be >= 1",
                refused("--shuffle-block", "0"));
        assertEquals("unknown option --speed", refused("--speed", "1"));
        assertEquals("--epochs: missing value", refused("--epochs"));
    }
}
