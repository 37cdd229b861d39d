package org.sparkdistill.core.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.metrics.EpochMetrics;

/**
 * Checkpoints of a run in a {@link CheckpointStore}: the training graph's parameters and updater state (see
 * {@link org.sparkdistill.core.objective.TrainingGraph}: the student and its objectives' heads and adapters) and the
 * {@link TrainingProgress}, one folder per step.
 *
 * <p>A folder named {@code step-…} (or {@code group-<g>-step-…}, a codistillation group's) is always complete when
 * written: the store publishes it atomically. With the plan's seed, a checkpoint fixes the rest of the trajectory: the
 * random streams derive from (seed, step), the data position from the state, so resuming from it reproduces the parameters of an uninterrupted run; the metrics of the finished
 * epochs and the loss sum of the current one travel with it, so the resumed run also reports the same metrics.
 *
 * <p>The state file records the SHA-256 of the model and of the history file. A folder damaged later (a truncated copy,
 * a disk error, an object store's partial rename) fails that check, and {@link #latest()} then falls back to the
 * checkpoint before it, with a warning naming the file. Not thread-safe.
 */
public final class Checkpoints {
    static final String FORMAT = "spark-distill-checkpoint/3";
    static final String MODEL_FILE = "model.zip";
    static final String STATE_FILE = "state.properties";
    private static final String PREFIX = "step-";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final CheckpointStore store;
    private final String prefix;

    /** Checkpoints in a local directory. */
    public Checkpoints(Path directory) {
        this(new LocalCheckpointStore(directory));
    }

    /** The checkpoints of a run's one student, in folders {@code step-<step>}. */
    public Checkpoints(CheckpointStore store) {
        this(store, PREFIX);
    }

    private Checkpoints(CheckpointStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    /**
     * The checkpoints of group {@code group}'s student in a codistillation run, in folders
     * {@code group-<group>-step-<step>} beside the other groups' (see {@link GroupCheckpoints}).
     */
    public static Checkpoints ofGroup(CheckpointStore store, int group) {
        return new Checkpoints(store, "group-" + group + "-" + PREFIX);
    }

    /** A checkpoint in the store: its folder's name, the progress it holds and the seed of its run. */
    public record Checkpoint(String name, TrainingProgress progress, long seed) implements Serializable {
        /** The step taken and the epoch and batch that come next. */
        public TrainingState state() {
            return progress.state();
        }
    }

    /** Writes the network (with updater state) and the progress as the checkpoint of {@code progress}'s step. */
    public Checkpoint save(Model network, TrainingProgress progress, long seed) {
        String name = name(progress.state().step());
        store.publish(name, sink -> {
            MessageDigest model = Sha256.digest();
            try (OutputStream out = new DigestOutputStream(sink.create(MODEL_FILE), model)) {
                ModelSerializer.writeModel(network, out, true);
            }
            ByteArrayOutputStream history = new ByteArrayOutputStream();
            EpochHistoryFile.write(progress.history(), history);
            try (OutputStream out = sink.create(EpochHistoryFile.FILE)) {
                history.writeTo(out);
            }
            String text = formatState(progress, seed, Sha256.hex(model),
                    Sha256.hex(history.toByteArray()));
            try (OutputStream out = sink.create(STATE_FILE)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        });
        return new Checkpoint(name, progress, seed);
    }

    /**
     * The intact checkpoint with the most steps, if any; each newer one that fails its checks is skipped with a
     * warning in the log.
     */
    public Optional<Checkpoint> latest() {
        return latest(LOG::warn);
    }

    /**
     * The intact checkpoint with the most steps, if any: newer ones whose state, history or model is unreadable,
     * truncated or does not match its recorded SHA-256 are skipped, each reported to {@code skipped} with the file and
     * the reason.
     */
    public Optional<Checkpoint> latest(Consumer<String> skipped) {
        for (long step : steps()) {
            Optional<Checkpoint> intact = intact(step, skipped);
            if (intact.isPresent()) {
                return intact;
            }
        }
        return Optional.empty();
    }

    /** The steps of the complete folders in the store, newest first, whether or not they are intact. */
    public List<Long> steps() {
        return store.folders().stream().filter(name -> name.startsWith(prefix)
                        && name.substring(prefix.length()).matches("[0-9]+"))
                .map(name -> Long.parseLong(name.substring(prefix.length())))
                .sorted(Comparator.reverseOrder()).toList();
    }

    /**
     * The checkpoint of {@code step}, one of {@link #steps()}, if it passes its checks; otherwise empty, and the
     * folder is reported to {@code skipped} with the file and the reason.
     */
    public Optional<Checkpoint> intact(long step, Consumer<String> skipped) {
        return verified(name(step), skipped);
    }

    private Optional<Checkpoint> verified(String name, Consumer<String> skipped) {
        try {
            return Optional.of(verify(name));
        } catch (InvalidInputException | UncheckedIOException e) {
            skipped.accept(e.getMessage() + "; falling back to the checkpoint before it");
            return Optional.empty();
        }
    }

    /** The folder name of the checkpoint of {@code step}. */
    String name(long step) {
        return String.format("%s%012d", prefix, step);
    }

    /** Reads the checkpoint in folder {@code name}: its state and history, without checking the model file. */
    public Checkpoint read(String name) {
        return readState(name).checkpoint(name);
    }

    /** Reads the checkpoint in folder {@code name} and checks its model and history against their SHA-256. */
    public Checkpoint verify(String name) {
        StateFile state = readState(name);
        requireDigest(name, MODEL_FILE, state.modelSha256(), false);
        return state.checkpoint(name);
    }

    /** Reads the training graph of {@code checkpoint} back with its updater state. */
    public ComputationGraph restore(Checkpoint checkpoint) {
        try (InputStream in = store.open(checkpoint.name(), MODEL_FILE)) {
            return ModelZip.of(in.readAllBytes(), "checkpoint model " + store.locate(checkpoint.name()) + "/" + MODEL_FILE)
                    .computationGraph(true);
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint model " + store.locate(checkpoint.name()) + "/" + MODEL_FILE
                    + " is unreadable: " + e, e);
        }
    }

    static String formatState(TrainingProgress progress, long seed, String modelSha256, String historySha256) {
        TrainingState state = progress.state();
        return "format=" + FORMAT + "\nstep=" + state.step() + "\nepoch=" + state.epoch() + "\nbatch=" + state.batch()
                + "\nseed=" + seed + "\nepochLossSum=" + progress.epochLossSum() + "\nmodelSha256=" + modelSha256
                + "\nhistorySha256=" + historySha256 + "\n";
    }

    /** What a state file says, before the history it names is read. */
    private record StateFile(TrainingState state, long seed, double epochLossSum, String modelSha256,
                             List<EpochMetrics> history) {
        Checkpoint checkpoint(String name) {
            return new Checkpoint(name, new TrainingProgress(state, epochLossSum, history), seed);
        }
    }

    private StateFile readState(String name) {
        String where = store.locate(name) + "/" + STATE_FILE;
        Map<String, String> fields;
        try (InputStream in = store.open(name, STATE_FILE)) {
            fields = parseState(new String(in.readAllBytes(), StandardCharsets.UTF_8), where);
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint state " + where + " is unreadable: " + e, e);
        }
        TrainingState state = new TrainingState(number(fields, "step", where), (int) number(fields, "epoch", where),
                (int) number(fields, "batch", where));
        double lossSum;
        try {
            lossSum = Double.parseDouble(fields.get("epochLossSum"));
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidInputException("checkpoint state " + where + ": epochLossSum = " + fields.get("epochLossSum")
                    + " is not a number");
        }
        byte[] history = requireDigest(name, EpochHistoryFile.FILE, digest(fields, "historySha256", where), true);
        List<EpochMetrics> epochs = EpochHistoryFile.read(new ByteArrayInputStream(history),
                store.locate(name) + "/" + EpochHistoryFile.FILE);
        return new StateFile(state, number(fields, "seed", where), lossSum, digest(fields, "modelSha256", where),
                epochs);
    }

    /**
     * Reads {@code file} of folder {@code name} through and checks that its SHA-256 is {@code expected}.
     *
     * @param keep whether to return the bytes read (a small file) or nothing (the model, read again when restored)
     * @return the file's bytes if {@code keep}, else an empty array
     */
    private byte[] requireDigest(String name, String file, String expected, boolean keep) {
        String where = store.locate(name) + "/" + file;
        MessageDigest digest = Sha256.digest();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try (InputStream in = store.open(name, file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                if (keep) {
                    kept.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint file " + where + " is unreadable: " + e, e);
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(expected)) {
            throw new InvalidInputException("checkpoint file " + where + " is truncated or corrupt: its SHA-256 is "
                    + actual + ", but " + STATE_FILE + " records " + expected);
        }
        return kept.toByteArray();
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

    private static String digest(Map<String, String> fields, String key, String source) {
        String value = fields.get(key);
        if (value == null || !value.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException("checkpoint state " + source + ": " + key + " = " + value
                    + " is not a SHA-256 (64 lower-case hex digits)");
        }
        return value;
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
