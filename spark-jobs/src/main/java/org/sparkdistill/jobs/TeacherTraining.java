package org.sparkdistill.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;

/**
 * Trains a teacher on hard labels in this JVM: a small CNN for single-channel images, a wide MLP otherwise.
 *
 * <p>{@link #trainOrReuse} keeps trained teachers in a cache keyed by the recipe and a hash of the training data,
 * so a second run with the same inputs loads the model instead of training it again.
 */
public final class TeacherTraining {
    private TeacherTraining() {}

    /** How a teacher is trained. */
    public record Recipe(int epochs, int batchSize, long seed, double learningRate) {
        String describe() {
            return "teacher-v3 epochs=" + epochs + " batchSize=" + batchSize + " seed=" + seed + " adam=" + learningRate + " linear-decay";
        }
    }

    /** A trained teacher: its model file, held-out accuracy, training time and whether it came from the cache. */
    public record Trained(Path model, double accuracy, double seconds, boolean cached) {}

    public static Trained trainOrReuse(Examples train, Examples test, Recipe recipe, Path cacheDirectory) {
        String key = fingerprint(train, recipe.describe()).substring(0, 16);
        Path model = cacheDirectory.resolve("teacher-" + key + ".zip");
        Path info = cacheDirectory.resolve("teacher-" + key + ".properties");
        if (Files.isRegularFile(model) && Files.isRegularFile(info)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(info, StandardCharsets.UTF_8)) {
                p.load(in);
                return new Trained(model, Double.parseDouble(p.getProperty("accuracy")),
                        Double.parseDouble(p.getProperty("seconds")), true);
            } catch (IOException | RuntimeException unreadable) {
                // an unreadable record means the cache entry is incomplete: train again and replace it
            }
        }
        Trained trained = train(train, test, recipe, model);
        try {
            String text = "recipe=" + recipe.describe() + "\naccuracy=" + trained.accuracy() + "\nseconds="
                    + trained.seconds() + "\n";
            Path temporary = info.resolveSibling(info.getFileName() + ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, info, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record teacher " + model + " in the cache", e);
        }
        return trained;
    }

    /** Trains a teacher and writes it to {@code output} (by an atomic rename), returning its held-out accuracy. */
    public static Trained train(Examples train, Examples test, Recipe recipe, Path output) {
        return train(train, test, recipe, output, ComputePath.FAST_WHERE_EXACT);
    }

    /** As {@link #train(Examples, Examples, Recipe, Path)}, each step computed by {@code path}. */
    public static Trained train(Examples train, Examples test, Recipe recipe, Path output, ComputePath path) {
        long started = System.nanoTime();
        TrainingPlan plan = TrainingPlan.supervised(recipe.epochs(), recipe.batchSize(), recipe.seed());
        MultiLayerNetwork network = networkFor(train, recipe, plan.stepsPerEpoch(train.size()) * plan.epochs());
        DistillationTrainer trainer = new DistillationTrainer(plan, SoftTargetSource.HARD_LABELS, Evaluator.labelsOnly(test))
                .addListener(m -> System.out.printf("teacher epoch %d: accuracy %.2f%% (%.0f s)%n", m.epoch(),
                        100 * m.accuracy(), m.seconds()))
                .computePath(path);
        List<EpochMetrics> history = trainer.train(network, train);
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            Path temporary = output.resolveSibling(output.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            ModelSerializer.writeModel(network, temporary.toFile(), false);
            Files.move(temporary, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write teacher " + output, e);
        } finally {
            NetworkMemory.release(network);
        }
        return new Trained(output, history.get(history.size() - 1).accuracy(), (System.nanoTime() - started) / 1e9, false);
    }

    private static MultiLayerNetwork networkFor(Examples train, Recipe recipe, int totalSteps) {
        IUpdater updater = UpdaterKind.ADAM.withLearningRate(recipe.learningRate(), LearningRateSchedule.LINEAR, totalSteps);
        int[] shape = train.shape();
        if (shape.length == 3 && shape[0] == 1) {
            return Networks.cnn(shape[1], shape[2], train.numClasses(), updater, recipe.seed());
        }
        return Networks.mlp(train.featureCount(), List.of(512, 256), train.numClasses(), updater, recipe.seed());
    }

    /** SHA-256 over the recipe, the shape, the labels and the features. */
    static String fingerprint(Examples examples, String recipe) {
        MessageDigest digest = Sha256.digest();
        digest.update(recipe.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buffer = ByteBuffer.allocate(4 * Math.max(examples.labels().length, examples.shape().length + 1));
        buffer.asIntBuffer().put(examples.shape()).put(examples.numClasses());
        digest.update(buffer.array(), 0, 4 * (examples.shape().length + 1));
        buffer.clear();
        buffer.asIntBuffer().put(examples.labels());
        digest.update(buffer.array(), 0, 4 * examples.labels().length);
        ByteBuffer features = ByteBuffer.allocate(4 * examples.features().length);
        features.asFloatBuffer().put(examples.features());
        digest.update(features.array());
        return Sha256.hex(digest);
    }
}
