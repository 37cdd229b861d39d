package org.sparkdistill.jobs;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.JobDescription;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Writes a table of examples as the Parquet table the jobs read, with the description of its shape, classes and label
 * index beside it. An ordinary Spark job: the executors read the source and write the table.
 */
public final class PrepareJob {
    private PrepareJob() {}

    /** Writes in-memory {@code examples} to a new directory {@code output}; an existing one is refused. */
    public static void run(SparkSession spark, Examples examples, Path output) {
        ExampleTable table = new ExampleTable(ExampleFrames.toFrame(spark, examples), new DatasetInfo(examples.shape(),
                examples.numClasses(), examples.size()), null, true, true, examples.name());
        run(spark, table, output.toString(), false);
    }

    /**
     * Writes {@code table} to {@code output}, replacing an earlier output of {@code prepare} there only when
     * {@code overwrite} (see {@link PublishedOutput#publish}).
     */
    public static void run(SparkSession spark, ExampleTable table, String output, boolean overwrite) {
        try (JobDescription described = JobDescription.of(spark.sparkContext(), "spark-distill prepare: "
                + table.source())) {
            PublishedOutput.publish(StoragePath.of(output, spark.sparkContext().hadoopConfiguration()), "prepare",
                    overwrite, staging -> {
                        // The staging directory is this job's own, so Spark may replace it with the table.
                        // An unlabeled table is written without its label column, so that it reads back as unlabeled.
                        Dataset<Row> rows = table.labelled() ? table.rows() : table.rows().drop(ExampleFrames.LABEL);
                        rows.write().mode(SaveMode.Overwrite).parquet(staging.uri());
                        ExampleTables.describe(table, staging.uri(), spark.sparkContext().hadoopConfiguration());
                    });
        }
    }
}
