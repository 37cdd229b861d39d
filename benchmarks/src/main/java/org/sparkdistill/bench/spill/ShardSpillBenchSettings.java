package org.sparkdistill.bench.spill;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.network.util.JavaUtils;
import org.sparkdistill.bench.OptionPairs;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.data.ShuffleOrder;

/**
 * The settings of the shard spill benchmark, checked when made.
 *
 * @param data Fashion-MNIST IDX directory
 * @param copies how many times the 60,000 training images are repeated in the shard, ≥ 1
 * @param epochs epochs of each measured run, ≥ 1
 * @param rounds how many times each of the two runs is repeated, alternating, ≥ 1
 * @param batchSize examples per student step, ≥ 1
 * @param depth the pipeline depth, ≥ 1
 * @param spilledBudget the memory budget of the spilled runs in bytes, ≥ 0
 * @param order the order every epoch visits the shard in
 * @param spillDirectory where the spilled runs write their shard
 * @param output directory the table is written to
 */
record ShardSpillBenchSettings(Path data, int copies, int epochs, int rounds, int batchSize, int depth,
                               long spilledBudget, ShuffleOrder order, Path spillDirectory, Path output) {
    static final String USAGE = """
            usage: ShardSpillBench [options]
              --data DIR             Fashion-MNIST IDX directory (/usr/share/datasets/fashion-mnist)
              --copies N             copies of the 60,000 training images in the shard (10)
              --epochs N             epochs of each run (1)
              --rounds N             repetitions of the in-memory and spilled runs, alternating (1)
              --batch-size N         examples per student step (64)
              --depth N              pipeline depth (2)
              --spilled-memory SIZE  shard memory budget of the spilled runs, e.g. 16m (16m)
              --shuffle-block N      rows per shuffled block (256)
              --shuffle-buffer N     rows in the shuffle buffer (16384)
              --spill-dir DIR        where the spilled shard is written (java.io.tmpdir)
              --output DIR           summary directory (runs/shard-spill)""";

    ShardSpillBenchSettings {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> positive : List.of(Map.entry("--copies", copies), Map.entry("--epochs", epochs),
                Map.entry("--rounds", rounds), Map.entry("--batch-size", batchSize), Map.entry("--depth", depth))) {
            if (positive.getValue() < 1) {
                problems.add(positive.getKey() + " " + positive.getValue() + ": must be >= 1");
            }
        }
        if (spilledBudget < 0) {
            problems.add("--spilled-memory " + spilledBudget + ": must be >= 0 bytes");
        }
        OptionPairs.requireNone(problems);
    }

    static ShardSpillBenchSettings parse(String[] args) {
        Path data = FashionMnist.DEFAULT_DIR;
        int copies = 10;
        int epochs = 1;
        int rounds = 1;
        int batchSize = 64;
        int depth = 2;
        long spilledBudget = 16L << 20;
        int block = ShuffleOrder.DEFAULT_BLOCK_ROWS;
        int buffer = ShuffleOrder.DEFAULT_BUFFER_ROWS;
        Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        Path output = Path.of("runs/shard-spill");
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--data" -> data = Path.of(value);
                    case "--copies" -> copies = Integer.parseInt(value);
                    case "--epochs" -> epochs = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--depth" -> depth = Integer.parseInt(value);
                    case "--spilled-memory" -> spilledBudget = value.strip().startsWith("-") ? -1
                            : JavaUtils.byteStringAsBytes(value.strip());
                    case "--shuffle-block" -> block = Integer.parseInt(value);
                    case "--shuffle-buffer" -> buffer = Integer.parseInt(value);
                    case "--spill-dir" -> spillDirectory = Path.of(value);
                    case "--output" -> output = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not a whole number"
                        + (name.equals("--spilled-memory") ? " of bytes with an optional unit (k, m, g)" : ""));
            }
        }
        ShuffleOrder order;
        try {
            order = new ShuffleOrder(block, buffer);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--shuffle-block " + block + ", --shuffle-buffer " + buffer + ": "
                    + e.getMessage());
        }
        return new ShardSpillBenchSettings(data, copies, epochs, rounds, batchSize, depth, spilledBudget, order,
                spillDirectory, output);
    }
}
