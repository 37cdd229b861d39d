package org.sparkdistill.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.SparkConfSettings;
import picocli.CommandLine.Option;

/** The options every job that reads the distill configuration takes: the file, the data, the teachers, overrides. */
final class JobOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--data", paramLabel = "PATH", description = "Training data: an IDX directory, a prepare output,"
            + " or a path or URI read in data.format (data.train).")
    String data;

    @Option(names = "--limit", description = "Use the first N training rows; 0 = all (data.limit).")
    Integer limit;

    @Option(names = "--teacher", paramLabel = "ZIP", description = "Teacher model file; repeat for an ensemble (teachers).")
    List<String> teachers;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (spark.master).")
    String master;

    @Option(names = "--overwrite", description = "Replace an earlier output of this command (overwrite).")
    Boolean overwrite;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting by its dotted key, e.g. --set student.hidden=64,32")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * The configuration of the file, if any, with the Spark configuration's {@code spark.distill.*} settings (from
     * {@code spark-submit --conf} or {@code spark-defaults.conf}) over it, then these options and
     * {@code commandOverrides}, and {@code --set} last.
     */
    DistillConfig resolve(Map<String, String> commandOverrides) {
        return resolve(SparkConfSettings.of(new SparkConf()), commandOverrides);
    }

    /** {@link #resolve(Map)} with {@code sparkConfSettings} as the Spark configuration's settings. */
    DistillConfig resolve(Map<String, String> sparkConfSettings, Map<String, String> commandOverrides) {
        Map<String, String> overrides = new LinkedHashMap<>(sparkConfSettings);
        put(overrides, "data.train", data);
        put(overrides, "data.limit", limit);
        put(overrides, "teachers", teachers == null ? null : String.join(",", teachers));
        put(overrides, "spark.master", master);
        put(overrides, "overwrite", overwrite);
        overrides.putAll(commandOverrides);
        overrides.putAll(settings);
        return config == null ? ConfigLoader.parse("{}", "command line", overrides) : ConfigLoader.load(config, overrides);
    }

    /** Adds {@code key} with the text of {@code value}, unless the option was not given. */
    static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, String.valueOf(value));
        }
    }
}
