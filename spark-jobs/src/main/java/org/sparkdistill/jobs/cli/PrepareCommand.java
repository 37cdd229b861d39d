package org.sparkdistill.jobs.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparkdistill.core.data.CsvExamples;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prepare}: converts IDX or CSV data into the Parquet table the other jobs read. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Convert IDX or CSV data to Parquet with columns id (long), features (array<float>), label (int).",
            "The output directory appears complete or not at all."})
public final class PrepareCommand implements Callable<Integer> {
    enum Split { TRAIN, TEST }

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "IDX directory or CSV file.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write.")
    Path output;

    @Option(names = "--split", description = "For IDX input: TRAIN or TEST (default: ${DEFAULT-VALUE}).")
    Split split = Split.TRAIN;

    @Option(names = "--classes", description = "For CSV input: number of classes (default: ${DEFAULT-VALUE}).")
    int classes = 10;

    @Option(names = "--overwrite", description = "Replace an earlier output of prepare.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (default: ${DEFAULT-VALUE}).")
    String master = "local[*]";

    @Override
    public Integer call() {
        OutputLock lock = OutputRules.claim("prepare", new NamedPath("--output", output.toString()),
                OutputRules.Kind.DIRECTORY, overwrite, List.of(new NamedPath("--input", input.toString())));
        try (lock) {
            return convert();
        }
    }

    private int convert() {
        Examples examples = input.toString().endsWith(".csv") ? CsvExamples.read(input, classes, null)
                : split == Split.TRAIN ? FashionMnist.train(input) : FashionMnist.test(input);
        try (Sessions.Scope session = Sessions.open("prepare", master)) {
            PrepareJob.run(session.spark(), examples, output, overwrite);
        }
        System.out.println("wrote " + examples.size() + " rows to " + output.toAbsolutePath());
        return 0;
    }
}
