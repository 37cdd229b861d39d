package org.sparkdistill.bench.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.OptionPairs;

/**
 * The settings of the pipeline and soft-label cache benchmark, checked when made.
 *
 * @param data Fashion-MNIST IDX directory
 * @param teacherCache where the trained CNN teacher is kept between runs
 * @param stallEpochs epochs of each run that measures stalls and throughput, ≥ 1
 * @param accuracyEpochs epochs of each run that measures accuracy, ≥ 1
 * @param seeds the seeds the accuracy runs repeat over, at least one
 * @param topK the k values of the top-k caches compared with full logits, each in [1, 9]
 * @param batchSize examples per student step, ≥ 1
 * @param depth the pipeline depth of the runs with the pipeline on, ≥ 1
 * @param output directory the tables are written to
 */
record PipelineBenchSettings(Path data, Path teacherCache, int stallEpochs, int accuracyEpochs, List<Long> seeds,
                             List<Integer> topK, int batchSize, int depth, Path output) {
    static final String USAGE = """
            usage: PipelineBench [options]
              --data DIR             Fashion-MNIST IDX directory (/usr/share/datasets/fashion-mnist)
              --teacher-cache DIR    where the CNN teacher is kept ($SPARK_DISTILL_CACHE or ~/.cache/spark-distill)
              --stall-epochs N       epochs of the stall and throughput runs (1)
              --accuracy-epochs N    epochs of the accuracy runs (5)
              --seeds S,...          seeds of the accuracy runs (1,2,3)
              --top-k K,...          top-k caches compared with full logits, each in [1, 9] (5,3)
              --batch-size N         examples per student step (64)
              --depth N              pipeline depth with the pipeline on (2)
              --output DIR           summary directory (runs/pipeline)""";

    PipelineBenchSettings {
        seeds = List.copyOf(seeds);
        topK = List.copyOf(topK);
        List<String> problems = new ArrayList<>();
        if (stallEpochs < 1) {
            problems.add("--stall-epochs " + stallEpochs + ": must be >= 1");
        }
        if (accuracyEpochs < 1) {
            problems.add("--accuracy-epochs " + accuracyEpochs + ": must be >= 1");
        }
        if (seeds.isEmpty()) {
            problems.add("--seeds: name at least one");
        }
        if (topK.isEmpty() || topK.stream().anyMatch(k -> k < 1 || k > 9)) {
            problems.add("--top-k " + topK + ": at least one k, each in [1, 9] (10 classes; k = 10 is the full cache)");
        }
        if (batchSize < 1) {
            problems.add("--batch-size " + batchSize + ": must be >= 1");
        }
        if (depth < 1) {
            problems.add("--depth " + depth + ": must be >= 1");
        }
        OptionPairs.requireNone(problems);
    }

    static PipelineBenchSettings parse(String[] args) {
        Path data = Path.of("/usr/share/datasets/fashion-mnist");
        String home = System.getenv("SPARK_DISTILL_CACHE");
        Path teacherCache = home != null ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "spark-distill");
        int stallEpochs = 1;
        int accuracyEpochs = 5;
        List<Long> seeds = List.of(1L, 2L, 3L);
        List<Integer> topK = List.of(5, 3);
        int batchSize = 64;
        int depth = 2;
        Path output = Path.of("runs/pipeline");
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--data" -> data = Path.of(value);
                    case "--teacher-cache" -> teacherCache = Path.of(value);
                    case "--stall-epochs" -> stallEpochs = Integer.parseInt(value);
                    case "--accuracy-epochs" -> accuracyEpochs = Integer.parseInt(value);
                    case "--seeds" -> seeds = Arrays.stream(value.split(",")).map(String::trim).map(Long::parseLong)
                            .toList();
                    case "--top-k" -> topK = Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt)
                            .toList();
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--depth" -> depth = Integer.parseInt(value);
                    case "--output" -> output = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not a whole number");
            }
        }
        return new PipelineBenchSettings(data, teacherCache, stallEpochs, accuracyEpochs, seeds, topK, batchSize, depth,
                output);
    }
}
