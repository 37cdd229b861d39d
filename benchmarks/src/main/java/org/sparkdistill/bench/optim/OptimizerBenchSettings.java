package org.sparkdistill.bench.optim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.OptionPairs;

/**
 * The settings of the optimizer benchmark, checked when made.
 *
 * @param width units per hidden layer, ≥ 1
 * @param depth hidden layers, ≥ 1
 * @param batchSize examples in the batch whose gradient is applied, ≥ 1
 * @param warmUp unmeasured rounds per thread count, ≥ 0
 * @param rounds measured rounds per thread count, ≥ 1
 * @param threads the thread counts to measure, each ≥ 1
 * @param output directory the summary is written to (must not exist)
 */
record OptimizerBenchSettings(int width, int depth, int batchSize, int warmUp, int rounds, List<Integer> threads,
                              Path output) {
    static final String USAGE = """
            usage: OptimizerBench [options]
              --width N        units per hidden layer (1024)
              --depth N        hidden layers (10)
              --batch-size N   examples in the batch whose gradient is applied (144)
              --warm-up N      unmeasured rounds per thread count (5)
              --rounds N       measured rounds per thread count (21)
              --threads LIST   thread counts, comma-separated (1,2)
              --output DIR     summary directory, must not exist (runs/optimizer)""";

    OptimizerBenchSettings {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> positive : List.of(Map.entry("--width", width), Map.entry("--depth", depth),
                Map.entry("--batch-size", batchSize), Map.entry("--rounds", rounds))) {
            if (positive.getValue() < 1) {
                problems.add(positive.getKey() + " " + positive.getValue() + ": must be >= 1");
            }
        }
        if (warmUp < 0) {
            problems.add("--warm-up " + warmUp + ": must be >= 0");
        }
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            problems.add("--threads " + threads + ": every count must be >= 1");
        }
        OptionPairs.requireNone(problems);
        threads = List.copyOf(threads);
    }

    static OptimizerBenchSettings parse(String[] args) {
        int width = 1024;
        int depth = 10;
        int batchSize = 144;
        int warmUp = 5;
        int rounds = 21;
        List<Integer> threads = List.of(1, 2);
        Path output = Path.of("runs/optimizer");
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--width" -> width = Integer.parseInt(value);
                    case "--depth" -> depth = Integer.parseInt(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--warm-up" -> warmUp = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--threads" -> threads = Arrays.stream(value.split(",")).map(String::strip)
                            .map(Integer::valueOf).toList();
                    case "--output" -> output = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not a whole number"
                        + (name.equals("--threads") ? " or comma-separated whole numbers" : ""));
            }
        }
        return new OptimizerBenchSettings(width, depth, batchSize, warmUp, rounds, threads, output);
    }
}
