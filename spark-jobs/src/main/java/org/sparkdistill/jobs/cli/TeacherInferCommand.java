package org.sparkdistill.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.JobInputs;
import org.sparkdistill.jobs.TeacherInferJob;
import org.sparkdistill.jobs.cache.CacheManifest;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code teacher-infer}: runs the teachers over the training data once and writes the soft-label cache. */
@Command(name = "teacher-infer", mixinStandardHelpOptions = true,
        description = {"Run the teachers over the training data once and write their logits to the soft-label cache",
            "at cache.path, for distill to read. Reads the distill configuration (--config); flags override the file.",
            "The cache appears complete, with its manifest.json, or not at all."})
public final class TeacherInferCommand implements Callable<Integer> {
    @Mixin
    JobOptions job = new JobOptions();

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache directory to write (cache.path).")
    String cache;

    @Option(names = "--top-k",
            description = "Largest logits kept per row and teacher; >= the class count keeps all (cache.topK).")
    Integer topK;

    @Override
    public Integer call() {
        DistillConfig resolved = resolve();
        OutputLock lock = OutputRules.claim("teacher-infer", new NamedPath("cache.path", resolved.cache().path()),
                OutputRules.Kind.DIRECTORY, resolved.overwrite(), JobInputs.ofTeacherInfer(resolved, job.config));
        try (lock; Sessions.Scope session = Sessions.open("teacher-infer", resolved.master())) {
            TeacherInferJob.Outcome outcome = TeacherInferJob.run(session.spark(), resolved);
            CacheManifest manifest = outcome.manifest();
            System.out.println("inference tasks: " + outcome.resources());
            System.out.println("wrote the logits of " + manifest.teachers().size() + " teacher(s) for " + manifest.rows()
                    + " rows (" + (manifest.full() ? "all " + manifest.numClasses() : "top " + manifest.topK() + " of "
                    + manifest.numClasses()) + " per row) to " + outcome.cache().describe());
        }
        return 0;
    }

    DistillConfig resolve() {
        if (job.config == null) {
            throw new InvalidInputException("teacher-infer reads the distill configuration: give it with --config FILE"
                    + " (the same file distill reads, with cache.path set)");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        JobOptions.put(overrides, "cache.path", cache);
        JobOptions.put(overrides, "cache.topK", topK);
        return job.resolve(overrides);
    }
}
