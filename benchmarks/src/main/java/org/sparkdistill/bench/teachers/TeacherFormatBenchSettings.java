package org.sparkdistill.bench.teachers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sparkdistill.bench.OptionPairs;
import org.sparkdistill.core.data.FashionMnist;

/**
 * The settings of the teacher format benchmark, checked when made: every bad value and every missing input or
 * occupied output is listed at once, before any data is read.
 *
 * @param data Fashion-MNIST IDX directory
 * @param keras the Keras file the DL4J teacher is built from
 * @param onnx the ONNX file of the same teacher
 * @param limit training rows used, the first ones, in [1, 60000]
 * @param rounds how many times each contender runs each measurement, alternating, ≥ 1
 * @param epochs epochs of each online distillation run, ≥ 1
 * @param workers data-parallel students in the online runs, in [1, 2] (the master is {@code local[2]})
 * @param batchSize examples per student step, in [1, 65536]
 * @param output directory the results go to; it must not exist or be empty
 */
record TeacherFormatBenchSettings(Path data, Path keras, Path onnx, int limit, int rounds, int epochs, int workers,
                                  int batchSize, Path output) {
    static final int TRAIN_ROWS = 60_000;
    static final int MAX_WORKERS = 2;
    static final String USAGE = """
            usage: TeacherFormatBench [options]
              --data DIR          Fashion-MNIST IDX directory (/usr/share/datasets/fashion-mnist)
              --keras FILE        Keras CNN the DL4J teacher is built from (fixtures/teachers/fashion-mnist-cnn.h5)
              --onnx FILE         the same CNN as ONNX (fixtures/teachers/fashion-mnist-cnn.onnx)
              --limit N           training rows, the first N, in [1, 60000] (10000)
              --rounds N          rounds; each runs DL4J then ONNX for every measurement (2)
              --epochs N          epochs of each online distillation run (1)
              --workers N         students in the online runs, in [1, 2] (1)
              --batch-size N      examples per student step (64)
              --output DIR        results directory, absent or empty (runs/teacher-formats)""";

    TeacherFormatBenchSettings {
        List<String> problems = new ArrayList<>();
        if (limit < 1 || limit > TRAIN_ROWS) {
            problems.add("--limit " + limit + ": must be in [1, " + TRAIN_ROWS + "]");
        }
        if (rounds < 1) {
            problems.add("--rounds " + rounds + ": must be >= 1");
        }
        if (epochs < 1) {
            problems.add("--epochs " + epochs + ": must be >= 1");
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            problems.add("--workers " + workers + ": must be in [1, " + MAX_WORKERS + "] (one core each on local["
                    + MAX_WORKERS + "])");
        }
        if (batchSize < 1 || batchSize > 65_536) {
            problems.add("--batch-size " + batchSize + ": must be in [1, 65536]");
        }
        if (!FashionMnist.isIdxDirectory(data)) {
            problems.add("--data " + data + ": no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] and"
                    + " train-labels-idx1-ubyte[.gz]) there");
        }
        for (Map.Entry<String, Path> file : Map.of("--keras", keras, "--onnx", onnx).entrySet()) {
            if (!Files.isRegularFile(file.getValue())) {
                problems.add(file.getKey() + " " + file.getValue() + ": no such file");
            }
        }
        String occupied = occupied(output);
        if (occupied != null) {
            problems.add("--output " + output + ": " + occupied + "; name a new or empty directory, nothing is"
                    + " replaced");
        }
        OptionPairs.requireNone(problems);
    }

    /** Why {@code output} cannot take the results, or null when it is absent or an empty directory. */
    private static String occupied(Path output) {
        if (!Files.exists(output)) {
            return null;
        }
        if (!Files.isDirectory(output)) {
            return "exists and is not a directory";
        }
        try (Stream<Path> entries = Files.list(output)) {
            return entries.findAny().isPresent() ? "exists and is not empty" : null;
        } catch (IOException e) {
            return "cannot be listed (" + e.getMessage() + ")";
        }
    }

    static TeacherFormatBenchSettings parse(String[] args) {
        Path data = FashionMnist.DEFAULT_DIR;
        Path keras = Path.of("fixtures/teachers/fashion-mnist-cnn.h5");
        Path onnx = Path.of("fixtures/teachers/fashion-mnist-cnn.onnx");
        int limit = 10_000;
        int rounds = 2;
        int epochs = 1;
        int workers = 1;
        int batchSize = 64;
        Path output = Path.of("runs/teacher-formats");
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--data" -> data = Path.of(value);
                    case "--keras" -> keras = Path.of(value);
                    case "--onnx" -> onnx = Path.of(value);
                    case "--limit" -> limit = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--epochs" -> epochs = Integer.parseInt(value);
                    case "--workers" -> workers = Integer.parseInt(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--output" -> output = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not a whole number");
            }
        }
        return new TeacherFormatBenchSettings(data, keras, onnx, limit, rounds, epochs, workers, batchSize, output);
    }
}
