package org.sparkdistill.jobs.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.jobs.QuickstartJob;
import org.sparkdistill.jobs.TeacherTraining;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.report.HtmlReport;
import org.sparkdistill.jobs.report.MetricsDocument;
import org.sparkdistill.jobs.report.SummaryTable;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quickstart}: distils a small student from a CNN teacher on Fashion-MNIST and compares it with the student alone. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Train (or reuse) a CNN teacher on Fashion-MNIST, then train the same small student twice,",
            "alone and distilled, and write the models, metrics.json and report.html."})
public final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--output", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("runs", "quickstart");

    @Option(names = "--cache", paramLabel = "DIR", description = "Teacher cache (default: $SPARK_DISTILL_CACHE or ~/.cache/spark-distill).")
    Path cache = defaultCache();

    @Option(names = "--seed", description = "Seed of both student runs (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--limit", description = "Training rows the students see (default: ${DEFAULT-VALUE}).")
    int limit = 5_000;

    @Option(names = "--epochs", description = "Student epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 20;

    @Option(names = "--batch-size", description = "Student batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--hidden", split = ",", description = "Student hidden widths (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = List.of(128);

    @Option(names = "--learning-rate", description = "Student Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = 0.001;

    @Option(names = "--temperature", description = "Distillation temperature (default: ${DEFAULT-VALUE}).")
    double temperature = 2.0;

    @Option(names = "--alpha", description = "Distillation weight of the distilled run (default: ${DEFAULT-VALUE}).")
    double alpha = 0.5;

    @Option(names = "--teacher-epochs", description = "Teacher epochs (default: ${DEFAULT-VALUE}).")
    int teacherEpochs = 2;

    @Option(names = "--overwrite", description = "Replace an earlier output of quickstart.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master = "local[*]";

    @Override
    public Integer call() {
        QuickstartJob.Settings settings = new QuickstartJob.Settings(data, output, cache, seed, limit, epochs, batchSize,
                hidden, learningRate, temperature, alpha, new TeacherTraining.Recipe(teacherEpochs, 64, 42L, 0.001), master,
                overwrite);
        OutputLock lock = OutputRules.claim("quickstart", new NamedPath("--output", output.toString()),
                OutputRules.Kind.DIRECTORY, overwrite,
                List.of(new NamedPath("--data", data.toString()), new NamedPath("--cache", cache.toString())));
        try (lock; Sessions.Scope session = Sessions.open("quickstart", master)) {
            MetricsDocument report = QuickstartJob.run(session.spark(), settings);
            System.out.println();
            System.out.print(SummaryTable.of(report));
            System.out.println();
            System.out.println("wrote " + output.toAbsolutePath().resolve(HtmlReport.FILE));
        }
        return 0;
    }

    static Path defaultCache() {
        String configured = System.getenv("SPARK_DISTILL_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "spark-distill");
    }
}
