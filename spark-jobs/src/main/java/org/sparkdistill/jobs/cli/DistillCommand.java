package org.sparkdistill.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill}: trains a student from teachers on Spark, as a configuration file and flags describe. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Distil a student from one or more teachers on Spark.",
            "Settings come from --config (YAML); flags override the file. Every invalid setting is listed before Spark starts."})
public final class DistillCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--data", paramLabel = "PATH", description = "Training data: IDX directory or prepared Parquet (data.train).")
    String data;

    @Option(names = "--test", paramLabel = "PATH", description = "Held-out data (data.test).")
    String test;

    @Option(names = "--limit", description = "Use the first N training rows; 0 = all (data.limit).")
    Integer limit;

    @Option(names = "--teacher", paramLabel = "ZIP", description = "Teacher model file; repeat for an ensemble (teachers).")
    List<String> teachers;

    @Option(names = "--output", paramLabel = "DIR", description = "Output directory (output).")
    String output;

    @Option(names = "--epochs", description = "Training epochs (training.epochs).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Examples per step (training.batchSize).")
    Integer batchSize;

    @Option(names = "--seed", description = "Seed of every random choice (training.seed).")
    Long seed;

    @Option(names = "--temperature", description = "Softening temperature T (distillation.temperature).")
    Double temperature;

    @Option(names = "--alpha", description = "Weight of the distillation term (distillation.alpha).")
    Double alpha;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (spark.master).")
    String master;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting by its dotted key, e.g. --set student.hidden=64,32")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        DistillConfig resolved = resolve();
        try (Sessions.Scope session = Sessions.open("distill", resolved.master())) {
            DistillJob.Outcome outcome = DistillJob.run(session.spark(), resolved, "student");
            System.out.println(outcome.summary().last());
            System.out.println("wrote " + outcome.output().toAbsolutePath());
        }
        return 0;
    }

    DistillConfig resolve() {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, "data.train", data);
        put(overrides, "data.test", test);
        put(overrides, "data.limit", limit);
        put(overrides, "teachers", teachers == null ? null : String.join(",", teachers));
        put(overrides, "output", output);
        put(overrides, "training.epochs", epochs);
        put(overrides, "training.batchSize", batchSize);
        put(overrides, "training.seed", seed);
        put(overrides, "distillation.temperature", temperature);
        put(overrides, "distillation.alpha", alpha);
        put(overrides, "spark.master", master);
        overrides.putAll(settings);
        return config == null ? ConfigLoader.parse("{}", "command line", overrides) : ConfigLoader.load(config, overrides);
    }

    private static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, String.valueOf(value));
        }
    }
}
