package org.sparkdistill.jobs;

import java.nio.file.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.InputData;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/** Writes examples as the Parquet table the jobs read, with the description of its shape and classes beside it. */
public final class PrepareJob {
    private PrepareJob() {}

    /** Writes {@code examples} to a new directory {@code output}; an existing one is refused. */
    public static void run(SparkSession spark, Examples examples, Path output) {
        run(spark, examples, output, false);
    }

    /**
     * Writes {@code examples} to {@code output}, replacing an earlier output of {@code prepare} there only when
     * {@code overwrite} (see {@link PublishedOutput#publish}).
     */
    public static void run(SparkSession spark, Examples examples, Path output, boolean overwrite) {
        spark.sparkContext().setJobDescription("spark-distill prepare: " + examples);
        try {
            PublishedOutput.publish(StoragePath.of(output.toString(), spark.sparkContext().hadoopConfiguration()),
                    "prepare", overwrite, staging -> {
                        // The staging directory is this job's own, so Spark may replace it with the table.
                        ExampleFrames.toFrame(spark, examples).write().mode(SaveMode.Overwrite).parquet(staging.uri());
                        InputData.infoOf(examples).writeTo(staging);
                    });
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }
}
