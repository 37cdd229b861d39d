package org.sparkdistill.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.JobInputs;
import org.sparkdistill.jobs.PreparedDistill;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill}: trains a student from teachers on Spark, as a configuration file and flags describe. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Distil a student from one or more teachers on Spark.",
            "Settings come from --config (YAML); flags override the file. Every invalid setting is listed before Spark starts.",
            "With cache.path set, soft labels come from the cache teacher-infer wrote instead of running the teachers."})
public final class DistillCommand implements Callable<Integer> {
    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--test", paramLabel = "PATH", description = "Held-out data, read as the training data is (data.test).")
    String test;

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

    @Option(names = "--cache", paramLabel = "DIR", description = "Soft-label cache written by teacher-infer (cache.path).")
    String cache;

    @Option(names = "--dry-run", description = {"Check the configuration, the data's schema, the teachers and the task "
        + "slots, print the plan and stop, without training or writing anything."})
    boolean dryRun;

    @Override
    public Integer call() {
        DistillConfig resolved = resolve();
        if (dryRun) {
            return dryRun(resolved);
        }
        OutputLock lock = OutputRules.claim("distill", new NamedPath("output", resolved.output()),
                OutputRules.Kind.DIRECTORY, resolved.overwrite(), JobInputs.ofDistill(resolved, job.config));
        try (lock; Sessions.Scope session = Sessions.open("distill", resolved.master())) {
            DistillJob.Outcome outcome = DistillJob.run(session.spark(), resolved, "student");
            EpochMetrics last = outcome.summary().last();
            System.out.println(last);
            if (!last.peers().isEmpty()) {
                String kind = resolved.training().groups() > 1 ? "group" : "peer";
                System.out.println(kind + "s: " + last.peers().stream().map(p -> String.format(Locale.ROOT,
                        "%s %d %.2f%%", kind, p.peer(), 100 * p.accuracy())).collect(Collectors.joining(", "))
                        + "; kept " + kind + " " + last.peer() + " as " + DistillJob.MODEL_FILE);
            }
            System.out.println("wrote " + outcome.output().describe());
        }
        return 0;
    }

    /** Checks everything a run would before it trains, prints the plan, and writes nothing. */
    private int dryRun(DistillConfig resolved) {
        OutputRules.check("distill", new NamedPath("output", resolved.output()), OutputRules.Kind.DIRECTORY,
                resolved.overwrite(), JobInputs.ofDistill(resolved, job.config));
        try (Sessions.Scope session = Sessions.open("distill --dry-run", resolved.master())) {
            PreparedDistill prepared = DistillJob.prepare(session.spark(), resolved);
            System.out.println("dry run: every check passed; nothing was trained or written. The plan:");
            prepared.describe().forEach(line -> System.out.println("  " + line));
        }
        return 0;
    }

    DistillConfig resolve() {
        Map<String, String> overrides = new LinkedHashMap<>();
        JobOptions.put(overrides, "data.test", test);
        JobOptions.put(overrides, "output", output);
        JobOptions.put(overrides, "training.epochs", epochs);
        JobOptions.put(overrides, "training.batchSize", batchSize);
        JobOptions.put(overrides, "training.seed", seed);
        JobOptions.put(overrides, "distillation.temperature", temperature);
        JobOptions.put(overrides, "distillation.alpha", alpha);
        JobOptions.put(overrides, "cache.path", cache);
        return job.resolve(overrides);
    }
}
