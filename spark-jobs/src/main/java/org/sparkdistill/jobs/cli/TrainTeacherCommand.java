package org.sparkdistill.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.jobs.TeacherTraining;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train-teacher}: trains a teacher on an IDX dataset in this process and writes a DL4J model zip. */
@Command(name = "train-teacher", mixinStandardHelpOptions = true,
        description = "Train a teacher (a CNN for images) on hard labels and write it as a DL4J model zip.")
public final class TrainTeacherCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "IDX directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--output", required = true, paramLabel = "ZIP", description = "Model file to write (a path or a URI"
            + " such as hdfs://…).")
    String output;

    @Option(names = "--epochs", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 3;

    @Option(names = "--batch-size", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--learning-rate", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = 0.001;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--overwrite", description = "Replace an existing model file (never a directory or an input).")
    boolean overwrite;

    @Option(names = "--limit", description = "Use the first N training rows; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        OutputLock lock = OutputRules.claim("train-teacher", new NamedPath("--output", output),
                OutputRules.Kind.FILE, overwrite, List.of(new NamedPath("--data", data.toString())));
        try (lock) {
            return train();
        }
    }

    private int train() {
        Examples train = FashionMnist.train(data);
        if (limit > 0) {
            train = train.head(Math.min(limit, train.size()));
        }
        StoragePath target = StoragePath.of(output, HadoopSettings.beforeSession());
        Path local;
        try {
            local = Files.createTempFile("spark-distill-teacher-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a local file for the teacher", e);
        }
        try {
            TeacherTraining.Trained trained = TeacherTraining.train(train, FashionMnist.test(data),
                    new TeacherTraining.Recipe(epochs, batchSize, seed, learningRate), local);
            PublishedOutput.publishFile(target, out -> Files.copy(local, out));
            System.out.printf(Locale.ROOT, "teacher accuracy %.2f%% in %.0f s; wrote %s%n", 100 * trained.accuracy(),
                    trained.seconds(), target.describe());
        } finally {
            local.toFile().delete();
        }
        return 0;
    }
}
