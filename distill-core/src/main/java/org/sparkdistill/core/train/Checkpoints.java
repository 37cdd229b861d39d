package org.sparkdistill.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.AtomicDirectory;

/**
 * Checkpoints of a run in one directory: parameters, updater state and {@link TrainingState}, one folder per step.
 *
 * <p>A checkpoint folder appears through {@link AtomicDirectory}, so a folder named {@code step-…} is always
 * complete. With the plan's seed, a checkpoint fixes the rest of the trajectory: resuming
 * from it reproduces the parameters of an uninterrupted run. Not thread-safe.
 */
public final class Checkpoints {
    static final String FORMAT = "spark-distill-checkpoint/1";
    static final String MODEL_FILE = "model.zip";
    static final String STATE_FILE = "state.properties";
    private static final String PREFIX = "step-";

    private final Path directory;

    public Checkpoints(Path directory) {
        this.directory = directory;
    }

    /** A checkpoint on disk: its folder, the state it holds and the seed of its run. */
    public record Checkpoint(Path folder, TrainingState state, long seed) {
        /** Reads the network back with its updater state. */
        public MultiLayerNetwork restoreNetwork() {
            try {
                return ModelSerializer.restoreMultiLayerNetwork(folder.resolve(MODEL_FILE).toFile(), true);
            } catch (IOException e) {
                throw new InvalidInputException("checkpoint model " + folder.resolve(MODEL_FILE) + " is unreadable: " + e, e);
            }
        }
    }

    /** Writes the network (with updater state) and the state as the checkpoint of {@code state.step()}. */
    public Checkpoint save(MultiLayerNetwork network, TrainingState state, long seed) {
        Path target = directory.resolve(String.format("%s%012d", PREFIX, state.step()));
        AtomicDirectory.publish(target, folder -> {
            ModelSerializer.writeModel(network, folder.resolve(MODEL_FILE).toFile(), true);
            Files.writeString(folder.resolve(STATE_FILE), formatState(state, seed), StandardCharsets.UTF_8);
        });
        return new Checkpoint(target, state, seed);
    }

    /** The checkpoint with the most steps, if any. */
    public Optional<Checkpoint> latest() {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> folders = Files.list(directory)) {
            return folders.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .map(Checkpoints::read);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list checkpoints in " + directory, e);
        }
    }

    /** Reads the checkpoint in {@code folder}. */
    public static Checkpoint read(Path folder) {
        Path stateFile = folder.resolve(STATE_FILE);
        try {
            Map<String, String> fields = parseState(Files.readString(stateFile, StandardCharsets.UTF_8), stateFile);
            TrainingState state = new TrainingState(number(fields, "step", stateFile), (int) number(fields, "epoch", stateFile),
                    (int) number(fields, "batch", stateFile));
            return new Checkpoint(folder, state, number(fields, "seed", stateFile));
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint state " + stateFile + " is unreadable: " + e, e);
        }
    }

    static String formatState(TrainingState state, long seed) {
        return "format=" + FORMAT + "\nstep=" + state.step() + "\nepoch=" + state.epoch() + "\nbatch=" + state.batch()
                + "\nseed=" + seed + "\n";
    }

    static Map<String, String> parseState(String text, Path source) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new InvalidInputException("checkpoint state " + source + " has a line without '=': " + line);
            }
            fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        if (!FORMAT.equals(fields.get("format"))) {
            throw new InvalidInputException("checkpoint state " + source + " has format " + fields.get("format")
                    + "; expected " + FORMAT);
        }
        return fields;
    }

    private static long number(Map<String, String> fields, String key, Path source) {
        String value = fields.get(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidInputException("checkpoint state " + source + ": " + key + " = " + value
                    + " is not an integer");
        }
    }
}
