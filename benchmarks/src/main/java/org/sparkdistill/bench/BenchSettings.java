package org.sparkdistill.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.UpdaterKind;

/**
 * The settings of one time-to-accuracy run, checked when made.
 *
 * @param data Fashion-MNIST IDX directory
 * @param limit train on the first {@code limit} training rows; 0 for all
 * @param target test accuracy to reach, in (0, 1]
 * @param maxEpochs epochs after which a contender stops even below the target, in [1, 10000]
 * @param workers Spark tasks that train at once, in [1, 4096]
 * @param batchSize examples per step (per worker on Spark), in [1, 65536]
 * @param seed seed of the initial weights and of every shuffle
 * @param hidden hidden-layer widths of the MLP student, each in [1, 65536]
 * @param updater the student's optimizer
 * @param learningRate its constant learning rate, in (0, 10]
 * @param master Spark master used outside spark-submit; null for {@code local[workers]}
 * @param contenders names of the contenders to run, in order, without repeats
 * @param output directory the tables are written to
 */
public record BenchSettings(Path data, int limit, double target, int maxEpochs, int workers, int batchSize, long seed,
                            List<Integer> hidden, UpdaterKind updater, double learningRate, String master,
                            List<String> contenders, Path output) {
    public BenchSettings {
        hidden = List.copyOf(hidden);
        contenders = List.copyOf(contenders);
        if (master == null || master.isBlank()) {
            master = "local[" + workers + "]";
        }
        List<String> problems = new ArrayList<>();
        if (limit < 0) {
            problems.add("--limit = " + limit + ": must be >= 0 (0 = all rows)");
        }
        if (!(target > 0 && target <= 1)) {
            problems.add("--target = " + target + ": must be in (0, 1]");
        }
        if (maxEpochs < 1 || maxEpochs > 10_000) {
            problems.add("--max-epochs = " + maxEpochs + ": must be in [1, 10000]");
        }
        if (workers < 1 || workers > 4096) {
            problems.add("--workers = " + workers + ": must be in [1, 4096]");
        }
        if (batchSize < 1 || batchSize > 65_536) {
            problems.add("--batch-size = " + batchSize + ": must be in [1, 65536]");
        }
        if (hidden.isEmpty() || hidden.stream().anyMatch(w -> w < 1 || w > 65_536)) {
            problems.add("--hidden = " + hidden + ": needs at least one width, each in [1, 65536]");
        }
        if (!(learningRate > 0 && learningRate <= 10)) {
            problems.add("--learning-rate = " + learningRate + ": must be in (0, 10]");
        }
        if (contenders.isEmpty()) {
            problems.add("--contenders is empty: name at least one of " + Contenders.names());
        }
        Set<String> seen = new HashSet<>();
        for (String name : contenders) {
            if (!Contenders.names().contains(name)) {
                problems.add("--contenders has '" + name + "': known contenders are " + Contenders.names());
            } else if (!seen.add(name)) {
                problems.add("--contenders names '" + name + "' twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("invalid benchmark settings: " + String.join("; ", problems));
        }
    }
}
