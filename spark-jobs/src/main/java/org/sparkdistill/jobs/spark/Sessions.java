package org.sparkdistill.jobs.spark;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Opens the Spark session a job runs in. */
public final class Sessions {
    private Sessions() {}

    /**
     * A job's session, stopped when the scope closes if the job started it; a session that was running before (a
     * notebook's, a caller's) is left running.
     *
     * <p>A scope rather than the session itself: {@code SparkSession.close()} declares {@code IOException} in Spark 4
     * but not in Spark 3, and {@code stop()} is the same in both.
     *
     * @param owned whether the job started the session
     */
    public record Scope(SparkSession spark, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                spark.stop();
            }
        }
    }

    /** A session for one job: under spark-submit the submitted master is used, otherwise {@code master}. */
    public static Scope open(String jobName, String master) {
        return open(jobName, master, Map.of());
    }

    /**
     * A session for one job with {@code settings} on top of the submitted or default configuration; the running
     * session, as it is, when there is one.
     */
    public static Scope open(String jobName, String master, Map<String, String> settings) {
        for (scala.Option<SparkSession> running : List.of(SparkSession.getActiveSession(),
                SparkSession.getDefaultSession())) {
            if (running.isDefined() && !running.get().sparkContext().isStopped()) {
                return new Scope(running.get(), false);
            }
        }
        SparkSession.Builder builder = SparkSession.builder().appName("spark-distill " + jobName)
                .config("spark.ui.showConsoleProgress", "false");
        settings.forEach(builder::config);
        if (!new SparkConf().contains("spark.master")) {
            builder.master(master);
        }
        return new Scope(builder.getOrCreate(), true);
    }
}
