package org.sparkdistill.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;

/**
 * Checkpoints of a run in a {@link CheckpointStore}: parameters, updater state and {@link TrainingState}, one folder
 * per step.
 *
 * <p>A folder named {@code step-…} is always complete: the store publishes it atomically. With the plan's seed, a
 * checkpoint fixes the rest of the trajectory: the random streams derive from (seed, step), the data position from
 * the state, so resuming from it reproduces the parameters of an uninterrupted run. Not thread-safe.
 */
public final class Checkpoints {
    static final String FORMAT = "spark-distill-checkpoint/1";
    static final String MODEL_FILE = "model.zip";
    static final String STATE_FILE = "state.properties";
    private static final String PREFIX = "step-";

    private final CheckpointStore store;

    /** Checkpoints in a local directory. */
    public Checkpoints(Path directory) {
        this(new LocalCheckpointStore(directory));
    }

    public Checkpoints(CheckpointStore store) {
        this.store = store;
    }

    /** A checkpoint in the store: its folder's name, the state it holds and the seed of its run. */
    public record Checkpoint(String name, TrainingState state, long seed) implements Serializable {
    }

    /** Writes the network (with updater state) and the state as the checkpoint of {@code state.step()}. */
    public Checkpoint save(MultiLayerNetwork network, TrainingState state, long seed) {
        String name = String.format("%s%012d", PREFIX, state.step());
        store.publish(name, sink -> {
            try (OutputStream model = sink.create(MODEL_FILE)) {
                ModelSerializer.writeModel(network, model, true);
            }
            try (OutputStream text = sink.create(STATE_FILE)) {
                text.write(formatState(state, seed).getBytes(StandardCharsets.UTF_8));
            }
        });
        return new Checkpoint(name, state, seed);
    }

    /** The checkpoint with the most steps, if any. */
    public Optional<Checkpoint> latest() {
        return store.folders().stream().filter(name -> name.startsWith(PREFIX)).max(Comparator.naturalOrder())
                .map(this::read);
    }

    /** Reads the checkpoint in folder {@code name}. */
    public Checkpoint read(String name) {
        String where = store.locate(name) + "/" + STATE_FILE;
        try (InputStream in = store.open(name, STATE_FILE)) {
            Map<String, String> fields = parseState(new String(in.readAllBytes(), StandardCharsets.UTF_8), where);
            TrainingState state = new TrainingState(number(fields, "step", where), (int) number(fields, "epoch", where),
                    (int) number(fields, "batch", where));
            return new Checkpoint(name, state, number(fields, "seed", where));
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint state " + where + " is unreadable: " + e, e);
        }
    }

    /** Reads the network of {@code checkpoint} back with its updater state. */
    public MultiLayerNetwork restore(Checkpoint checkpoint) {
        try (InputStream in = store.open(checkpoint.name(), MODEL_FILE)) {
            return ModelZip.of(in.readAllBytes(), "checkpoint model " + store.locate(checkpoint.name()) + "/" + MODEL_FILE)
                    .multiLayerNetwork(true);
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint model " + store.locate(checkpoint.name()) + "/" + MODEL_FILE
                    + " is unreadable: " + e, e);
        }
    }

    static String formatState(TrainingState state, long seed) {
        return "format=" + FORMAT + "\nstep=" + state.step() + "\nepoch=" + state.epoch() + "\nbatch=" + state.batch()
                + "\nseed=" + seed + "\n";
    }

    static Map<String, String> parseState(String text, String source) {
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

    private static long number(Map<String, String> fields, String key, String source) {
        String value = fields.get(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidInputException("checkpoint state " + source + ": " + key + " = " + value
                    + " is not an integer");
        }
    }
}
