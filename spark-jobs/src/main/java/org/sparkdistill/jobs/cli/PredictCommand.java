package org.sparkdistill.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.JobDescription;
import org.sparkdistill.jobs.spark.Sessions;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;
import org.sparkdistill.ml.DistilledModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code predict}: scores a table with a distilled student, through {@link DistilledModel}, into Parquet: each row's
 * id, its label when the table has one, the predicted class and the class probabilities.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Score a table with a distilled student and write the predictions as Parquet.",
            "The model is a student.zip that distill wrote, or a DistilledModel saved from the Spark ML API."})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "student.zip, or the folder of a saved DistilledModel (a path or a URI).")
    String model;

    @Option(names = "--data", paramLabel = "PATH", description = "The table to score: an IDX directory, a prepare"
            + " output, or a path read in --format.")
    String data;

    @Option(names = "--idx-split", paramLabel = "SPLIT", description = "Which files of an IDX directory to score:"
            + " train or t10k (default: ${DEFAULT-VALUE}).")
    String idxSplit = "t10k";

    @Mixin
    DataOptions description = new DataOptions();

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where the Parquet table goes.")
    String output;

    @Option(names = "--overwrite", description = "Replace an earlier output of predict.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (default: ${DEFAULT-VALUE}).")
    String master = "local[*]";

    @Override
    public Integer call() {
        if ((data == null) == (description.table == null)) {
            throw new InvalidInputException("predict scores one table: give --data or --table, not "
                    + (data == null ? "neither" : "both"));
        }
        if (!List.of("train", "t10k").contains(idxSplit)) {
            throw new InvalidInputException("--idx-split = " + idxSplit + ": train or t10k");
        }
        if (!StoragePath.of(model, HadoopSettings.beforeSession()).exists()) {
            throw new InvalidInputException("--model " + model + ": no such file or directory");
        }
        DataConfig config = description.toConfig(data);
        try (OutputLock lock = OutputRules.claim("predict", new NamedPath("--output", output),
                OutputRules.Kind.DIRECTORY, overwrite, List.of(new NamedPath("--model", model),
                        new NamedPath("--data", data)));
                Sessions.Scope session = Sessions.open("predict", master);
                JobDescription described = JobDescription.of(session.spark().sparkContext(),
                        "spark-distill predict: scoring " + (data == null ? description.table : data))) {
            ExampleTables.Source source = data == null
                    ? new ExampleTables.Source("--table", description.table, true, idxSplit)
                    : new ExampleTables.Source("--data", data, false, idxSplit);
            ExampleTable table = ExampleTables.read(session.spark(), source, config,
                    ExampleTables.Expected.of(config, null), 0);
            DistilledModel student = load(session, table.info().shape());
            Dataset<Row> scored = student.setFeaturesCols(new String[] {ExampleFrames.FEATURES})
                    .transform(table.rows());
            Dataset<Row> out = scored.select(functions.col(ExampleFrames.ID),
                    table.labelled() ? functions.col(ExampleFrames.LABEL) : functions.lit(null).cast("int").as(
                            ExampleFrames.LABEL),
                    functions.col(student.getPredictionCol()), functions.col(student.getProbabilityCol()));
            PublishedOutput.publish(StoragePath.of(output, session.spark().sparkContext().hadoopConfiguration()),
                    "predict", overwrite, staging -> out.write().mode(SaveMode.Overwrite).parquet(staging.uri()));
            System.out.println("wrote " + output + ": " + table.info().rows() + " rows scored");
        }
        return 0;
    }

    /** The saved DistilledModel at {@code --model}, or the student.zip there as one. */
    private DistilledModel load(Sessions.Scope session, int[] shape) {
        StoragePath path = StoragePath.of(model, session.spark().sparkContext().hadoopConfiguration());
        if (path.isDirectory()) {
            return DistilledModel.load(model);
        }
        try (InputStream in = path.open()) {
            byte[] zip = in.readAllBytes();
            // Refused here, naming the file, rather than in every task.
            ModelZip.of(zip, "--model " + path.describe()).isComputationGraph();
            return new DistilledModel("predict", zip, shape);
        } catch (IOException e) {
            throw new InvalidInputException("--model " + path.describe() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
