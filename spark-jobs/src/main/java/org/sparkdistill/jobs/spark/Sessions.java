package org.sparkdistill.jobs.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Opens the Spark session a job runs in. */
public final class Sessions {
    private Sessions() {}

    /**
     * A session for one job: under spark-submit the submitted master is used, otherwise {@code master}.
     *
     * <p>Close it when the job ends; closing stops the context.
     */
    public static SparkSession open(String jobName, String master) {
        SparkSession.Builder builder = SparkSession.builder().appName("spark-distill " + jobName)
                .config("spark.ui.showConsoleProgress", "false");
        if (!new SparkConf().contains("spark.master")) {
            builder.master(master);
        }
        return builder.getOrCreate();
    }
}
