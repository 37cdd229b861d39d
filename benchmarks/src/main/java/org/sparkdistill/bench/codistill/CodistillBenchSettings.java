package org.sparkdistill.bench.codistill;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.OptionPairs;
import org.sparkdistill.bench.net.LinkSpec;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.FashionMnist;

/**
 * The settings of one codistillation benchmark run, parsed from {@code --name value} arguments, which the launcher
 * passes on to every rank unchanged. Every bad value is listed at once, with its name and valid range.
 *
 * <p>The student is fixed, as in {@code cluster-conf/jobs/plain-dp-cnn.yaml} and {@code codistill-cnn.yaml}: the
 * convolutional student of {@link #CHANNELS} and {@link #HIDDEN}, Adam at {@link #LEARNING_RATE}, labels alone
 * (α = 0), and for codistillation a codistill term of weight {@link #CODISTILL_WEIGHT} at temperature
 * {@link #CODISTILL_TEMPERATURE}.
 *
 * @param ranks rank processes, each with its own shard of the training rows
 * @param groups codistillation groups of consecutive ranks; must divide {@code ranks}
 * @param exchangeEvery steps between the groups' parameter exchanges
 * @param target the held-out accuracy to reach, in (0, 1]
 * @param maxEpochs epochs every contender trains; time to target is read from its epoch ends
 * @param limit the first rows of the training set that are shared out, row i to rank i mod {@code ranks}
 * @param batchSize examples per rank and step
 * @param seed the plain student's and group 0's initial weights, and every shuffle; group g starts from seed + g
 * @param rounds how many times both contenders run; the order alternates, plain first in the first round
 * @param link {@code loopback} or {@code shaped:<rate>[:<delay>]}
 * @param data the Fashion-MNIST IDX directory
 * @param output where rank 0 publishes the summary; must not exist
 */
record CodistillBenchSettings(int ranks, int groups, int exchangeEvery, double target, int maxEpochs, int limit,
                              int batchSize, long seed, int rounds, String link, Path data, Path output) {
    static final List<Integer> CHANNELS = List.of(4, 8);
    static final List<Integer> HIDDEN = List.of(32);
    static final double LEARNING_RATE = 0.002;
    static final double CODISTILL_WEIGHT = 1.0;
    static final double CODISTILL_TEMPERATURE = 1.0;
    static final int MAX_RANKS = 16;
    static final int TRAINING_ROWS = 60_000;

    static final String USAGE = """
            usage: CodistillBench [options], all optional:
              --ranks N            rank processes, each with its own shard (4)
              --groups G           codistillation groups, must divide the ranks (2)
              --exchange-every R   steps between the groups' parameter exchanges (20)
              --target A           held-out accuracy to reach, in (0, 1] (0.84)
              --max-epochs E       epochs every contender trains (7)
              --limit L            first training rows used, row i to rank i mod N (24000)
              --batch-size B       examples per rank and step (64)
              --seed S             initial weights and shuffles; group g starts from S + g (1)
              --rounds K           runs of both contenders, order alternating (2)
              --link L             loopback | shaped:<rate>[:<delay>] (shaped:1gbit)
              --data DIR           Fashion-MNIST IDX directory (/usr/share/datasets/fashion-mnist)
              --output DIR         summary directory, must not exist (runs/codistill)""";

    CodistillBenchSettings {
        List<String> problems = new ArrayList<>();
        if (ranks < 2 || ranks > MAX_RANKS) {
            problems.add("--ranks " + ranks + ": must be in [2, " + MAX_RANKS + "]");
        }
        if (groups < 2 || ranks % groups != 0) {
            problems.add("--groups " + groups + ": must be 2 or more and divide --ranks " + ranks
                    + " into groups of equal size");
        }
        if (exchangeEvery < 1) {
            problems.add("--exchange-every " + exchangeEvery + ": groups exchange parameters every so many steps, "
                    + "at least 1");
        }
        if (!(target > 0 && target <= 1)) {
            problems.add("--target " + target + ": must be an accuracy in (0, 1]");
        }
        if (maxEpochs < 1) {
            problems.add("--max-epochs " + maxEpochs + ": must be >= 1");
        }
        if (limit < Math.max(ranks, 1) || limit > TRAINING_ROWS) {
            problems.add("--limit " + limit + ": must be in [" + Math.max(ranks, 1) + " (a row per rank), "
                    + TRAINING_ROWS + "]");
        }
        if (batchSize < 1) {
            problems.add("--batch-size " + batchSize + ": must be >= 1");
        }
        if (rounds < 1) {
            problems.add("--rounds " + rounds + ": must be >= 1");
        }
        try {
            LinkSpec.parse(link);
        } catch (InvalidInputException e) {
            problems.add(e.getMessage());
        }
        OptionPairs.requireNone(problems);
    }

    static CodistillBenchSettings parse(String[] args) {
        int ranks = 4;
        int groups = 2;
        int exchangeEvery = 20;
        double target = 0.84;
        int maxEpochs = 7;
        int limit = 24_000;
        int batchSize = 64;
        long seed = 1;
        int rounds = 2;
        String link = "shaped:1gbit";
        Path data = FashionMnist.DEFAULT_DIR;
        Path output = Path.of("runs", "codistill");
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--ranks" -> ranks = Integer.parseInt(value);
                    case "--groups" -> groups = Integer.parseInt(value);
                    case "--exchange-every" -> exchangeEvery = Integer.parseInt(value);
                    case "--target" -> target = Double.parseDouble(value);
                    case "--max-epochs" -> maxEpochs = Integer.parseInt(value);
                    case "--limit" -> limit = Integer.parseInt(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--link" -> link = value;
                    case "--data" -> data = Path.of(value);
                    case "--output" -> output = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not a number"
                        + (name.equals("--target") ? "" : ", a whole number is expected"));
            }
        }
        return new CodistillBenchSettings(ranks, groups, exchangeEvery, target, maxEpochs, limit, batchSize, seed,
                rounds, link, data, output);
    }

    /** The arguments that parse back into these settings. */
    List<String> toArgs() {
        return List.of("--ranks", String.valueOf(ranks), "--groups", String.valueOf(groups), "--exchange-every",
                String.valueOf(exchangeEvery), "--target", String.valueOf(target), "--max-epochs",
                String.valueOf(maxEpochs), "--limit", String.valueOf(limit), "--batch-size", String.valueOf(batchSize),
                "--seed", String.valueOf(seed), "--rounds", String.valueOf(rounds), "--link", link, "--data",
                data.toString(), "--output", output.toString());
    }

    /**
     * What is wrong with the paths, checked by the launcher before any rank starts: the data must be a Fashion-MNIST
     * IDX directory, the output must not exist.
     */
    List<String> pathProblems() {
        List<String> problems = new ArrayList<>();
        if (!FashionMnist.isIdxDirectory(data)) {
            problems.add("--data " + data + ": not a Fashion-MNIST IDX directory (train-images-idx3-ubyte and "
                    + "train-labels-idx1-ubyte, optionally .gz)");
        }
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            problems.add("--output " + output + ": already exists; it is left as it is, name a new directory");
        }
        return problems;
    }

    /** The contenders of {@code round} (from 0), in the order they run: plain first in even rounds. */
    List<Parallelism> order(int round) {
        return round % 2 == 0 ? List.of(Parallelism.PLAIN, Parallelism.CODISTILL)
                : List.of(Parallelism.CODISTILL, Parallelism.PLAIN);
    }

    /** Ranks per codistillation group. */
    int groupSize() {
        return ranks / groups;
    }

    /** Rows of the largest shard, which fixes every rank's steps per epoch. */
    int largestShard() {
        return (limit + ranks - 1) / ranks;
    }

    /** Steps per epoch on every rank of either contender. */
    int stepsPerEpoch() {
        return (largestShard() + batchSize - 1) / batchSize;
    }
}
