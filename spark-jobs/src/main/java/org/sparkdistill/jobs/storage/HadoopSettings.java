package org.sparkdistill.jobs.storage;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;

/**
 * A Hadoop configuration as plain settings, so that tasks open files with the driver's settings (file-system
 * implementations, credentials, endpoints) wherever they run. Immutable and thread-safe.
 *
 * @param settings every key and value, sorted by key
 */
public record HadoopSettings(Map<String, String> settings) implements Serializable {
    private static final String SPARK_PREFIX = "spark.hadoop.";

    public HadoopSettings {
        settings = new TreeMap<>(settings);
    }

    /** The settings, read-only. */
    @Override
    public Map<String, String> settings() {
        return java.util.Collections.unmodifiableMap(settings);
    }

    /** The settings of {@code conf}, such as a Spark session's {@code hadoopConfiguration()}. */
    public static HadoopSettings of(Configuration conf) {
        Map<String, String> settings = new TreeMap<>();
        conf.forEach(entry -> settings.put(entry.getKey(), entry.getValue()));
        return new HadoopSettings(settings);
    }

    /**
     * The configuration a Spark session started now would have, before it starts: Hadoop's defaults and site files,
     * then every {@code spark.hadoop.*} key of Spark's defaults (system properties, as {@code spark-submit} sets them).
     */
    public static Configuration beforeSession() {
        Configuration conf = new Configuration();
        for (scala.Tuple2<String, String> entry : new SparkConf().getAllWithPrefix(SPARK_PREFIX)) {
            conf.set(entry._1(), entry._2());
        }
        return conf;
    }

    /** A new configuration holding these settings only. */
    public Configuration toConfiguration() {
        Configuration conf = new Configuration(false);
        settings.forEach(conf::set);
        return conf;
    }
}
