package org.sparkdistill.jobs.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.PrepareJob;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prepare}: reads any table the jobs read and writes it as their Parquet table, with its description. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Read an IDX directory, a table Spark reads (--format) or a catalog table (--table) and",
            "write it as Parquet with columns id (long), features (array<float>), label (int), on the executors.",
            "The output directory appears complete or not at all."})
public final class PrepareCommand implements Callable<Integer> {
    enum Split { TRAIN, TEST }

    @Option(names = "--input", paramLabel = "PATH", description = "IDX directory, or a path or URI Spark reads.")
    String input;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write (a path or"
            + " a URI such as hdfs://…).")
    String output;

    @Option(names = "--split", description = "For IDX input: TRAIN or TEST (default: ${DEFAULT-VALUE}).")
    Split split = Split.TRAIN;

    @Option(names = "--overwrite", description = "Replace an earlier output of prepare.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (default: ${DEFAULT-VALUE}).")
    String master = "local[*]";

    @Override
    public Integer call() {
        if ((input == null) == (data.table == null)) {
            throw new InvalidInputException("prepare reads one table: give --input PATH or --table DB.NAME, "
                    + (input == null ? "neither was given" : "not both"));
        }
        DataConfig description = data.toConfig(input);
        List<NamedPath> inputs = input == null ? List.of() : List.of(new NamedPath("--input", input));
        OutputLock lock = OutputRules.claim("prepare", new NamedPath("--output", output),
                OutputRules.Kind.DIRECTORY, overwrite, inputs);
        try (lock; Sessions.Scope session = Sessions.open("prepare", master)) {
            ExampleTables.Source source = input == null ? new ExampleTables.Source("--table", data.table, true, "train")
                    : new ExampleTables.Source("--input", input, false, split == Split.TRAIN ? "train" : "t10k");
            ExampleTable table = ExampleTables.read(session.spark(), source, description,
                    ExampleTables.Expected.of(description, null), 0);
            PrepareJob.run(session.spark(), table, output, overwrite);
            System.out.println("wrote " + table.info().rows() + " rows of shape "
                    + java.util.Arrays.toString(table.info().shape()) + ", " + table.info().numClasses() + " classes"
                    + (table.labelled() ? "" : ", no labels") + " to " + output);
        }
        return 0;
    }
}
