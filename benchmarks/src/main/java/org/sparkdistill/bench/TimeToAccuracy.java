package org.sparkdistill.bench;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.jobs.cli.SparkDistill;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures time to accuracy: each contender trains the same student on the same Fashion-MNIST data, one after another
 * in one run, until a target test accuracy or an epoch limit, and the results are compared side by side.
 *
 * <p>Writes {@code summary.md}, {@code summary.csv} and {@code epochs.csv} to the output directory, which appears
 * complete or not at all.
 */
@Command(name = "time-to-accuracy", mixinStandardHelpOptions = true,
        description = {"Train the same student with every contender until a target test accuracy,",
            "and compare their training times."})
public final class TimeToAccuracy implements Callable<Integer> {
    /** Exit status of a run refused for bad input. */
    public static final int INVALID_INPUT = SparkDistill.INVALID_INPUT;
    public static final String MARKDOWN_FILE = "summary.md";
    public static final String SUMMARY_CSV_FILE = "summary.csv";
    public static final String EPOCHS_CSV_FILE = "epochs.csv";

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--limit", description = "Train on the first N training rows; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit = 0;

    @Option(names = "--target", description = "Test accuracy to reach (default: ${DEFAULT-VALUE}).")
    double target = 0.84;

    @Option(names = "--max-epochs", description = "Epochs after which a contender stops (default: ${DEFAULT-VALUE}).")
    int maxEpochs = 10;

    @Option(names = "--workers", description = "Spark tasks that train at once (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--batch-size", description = "Examples per step, per worker on Spark (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--seed", description = "Seed of the initial weights and of every shuffle (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--hidden", split = ",", description = "Hidden-layer widths of the MLP student (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = List.of(128);

    @Option(names = "--updater", description = "Optimizer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    UpdaterKind updater = UpdaterKind.ADAM;

    @Option(names = "--learning-rate", description = "Constant learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = 0.001;

    @Option(names = "--master", description = "Spark master outside spark-submit (default: local[WORKERS]).")
    String master;

    @Option(names = "--contenders", split = ",", description = "Contenders to run, in order (default: ${DEFAULT-VALUE}).")
    List<String> contenders = Contenders.names();

    @Option(names = "--output", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("runs", "time-to-accuracy");

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the benchmark and returns its exit status instead of exiting. */
    public static int execute(String... args) {
        return SparkDistill.reportingInvalidInput(new CommandLine(new TimeToAccuracy())
                .setCaseInsensitiveEnumValuesAllowed(true).setErr(new PrintWriter(System.err, true))).execute(args);
    }

    @Override
    public Integer call() {
        BenchSettings settings = new BenchSettings(data, limit, target, maxEpochs, workers, batchSize, seed, hidden,
                updater, learningRate, master, contenders, output);
        Examples train = FashionMnist.train(settings.data());
        if (settings.limit() > 0) {
            train = train.head(Math.min(settings.limit(), train.size()));
        }
        Examples test = FashionMnist.test(settings.data());
        Workload workload = new Workload(train, settings.hidden(), settings.updater(), settings.learningRate(),
                settings.batchSize(), settings.seed(), settings.workers(), settings.master());
        Trial trial = new Trial(workload, Evaluator.labelsOnly(test), settings.target(), settings.maxEpochs(), System.out);
        List<TrialResult> results = new ArrayList<>();
        for (String name : settings.contenders()) {
            results.add(trial.run(Contenders.create(name)));
        }
        ComparisonTable table = new ComparisonTable(describe(settings, workload, test), results);
        AtomicDirectory.publish(settings.output(), dir -> {
            Files.writeString(dir.resolve(MARKDOWN_FILE), table.markdown(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(SUMMARY_CSV_FILE), table.summaryCsv(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(EPOCHS_CSV_FILE), table.epochsCsv(), StandardCharsets.UTF_8);
        });
        System.out.println();
        System.out.print(table.markdown());
        System.out.println();
        System.out.println("wrote " + settings.output().toAbsolutePath());
        return 0;
    }

    private static String describe(BenchSettings settings, Workload workload, Examples test) {
        return String.format(Locale.ROOT, "Target test accuracy %.2f%%, at most %d epochs per contender. Student: %s. "
                        + "Data: Fashion-MNIST from %s, %,d training and %,d test examples. "
                        + "Spark contenders: %d workers on %s. ND4J threads per training thread: %s. "
                        + "Machine: %d cores, Java %s.",
                100 * settings.target(), settings.maxEpochs(), workload.describeStudent(), settings.data(),
                workload.train().size(), test.size(), settings.workers(), settings.master(), ompThreads(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    }

    private static String ompThreads() {
        String threads = System.getenv("OMP_NUM_THREADS");
        return threads == null || threads.isBlank() ? "OMP_NUM_THREADS unset (ND4J uses every core)"
                : "OMP_NUM_THREADS=" + threads;
    }
}
