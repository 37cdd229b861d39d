package org.sparkdistill.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.cache.SoftLabelCache;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.TrainingConfig;
import org.sparkdistill.jobs.data.ExampleTable;

/**
 * A {@code distill} run checked and ready to train (see {@link DistillJob#prepare}): what it reads, trains and where,
 * with nothing written yet.
 *
 * @param checkpointDirectory where the run's checkpoint folder goes, or null without checkpoints
 * @param distils whether any objective reads the teachers
 * @param cache the soft-label cache the soft targets come from, or null for live teachers
 * @param trainRows the training rows, joined to the cache's logits when there is one
 * @param fingerprint the training rows' fingerprint, where a cache or checkpoints need it, else null
 * @param peers the peer students, empty for a lone student
 * @param slots what the Spark configuration says of the task slots
 */
public record PreparedDistill(DistillConfig config, String checkpointDirectory, boolean distils, TeacherSpecs teachers,
                              SoftLabelCache cache, ExampleTable train, Examples heldOut, Dataset<Row> trainRows,
                              DatasetFingerprint fingerprint, TrainingPlan plan, StudentSpec student,
                              List<StudentSpec> peers, List<DistillationObjective> objectives, String slots) {

    /** The plan a dry run prints: one line per aspect of the run. */
    public List<String> describe() {
        TrainingConfig training = config.training();
        int workers = training.workers();
        int largestShard = (int) ((train.info().rows() + workers - 1) / workers);
        int stepsPerEpoch = plan.stepsPerEpoch(largestShard);
        List<String> lines = new ArrayList<>();
        lines.add("data: " + train.info().rows() + " training rows of shape " + shape(train.info().shape()) + ", "
                + train.info().numClasses() + " classes, from " + config.data().train() + "; " + heldOut.size()
                + " held-out rows");
        for (int k = 0; k < teachers.paths().size(); k++) {
            lines.add("teacher " + k + ": " + teachers.paths().get(k) + " (sha256 " + teachers.sha256s().get(k)
                    .substring(0, 12) + "…, " + teachers.settings().get(k) + ")");
        }
        if (teachers.paths().isEmpty()) {
            lines.add("teachers: none");
        }
        lines.add("soft targets: " + (!distils ? "none (labels only)" : cache == null ? "the teachers, live"
                : "the soft-label cache " + config.cache().path()));
        lines.add("student: " + describe(student) + (peers.isEmpty() ? "" : "; peers: "
                + String.join(", ", peers.stream().map(PreparedDistill::describe).toList())));
        lines.add("objectives: " + String.join(", ", objectives.stream().map(DistillationObjective::name).toList()));
        lines.add(String.format(Locale.ROOT, "training: %d worker(s)%s, %d epoch(s) of %d steps (%d in all), batch %d"
                        + " per worker, seed %d", workers, training.groups() > 1 ? " in " + training.groups()
                        + " groups exchanging every " + training.exchangeEvery() + " steps" : "", plan.epochs(),
                stepsPerEpoch, (long) stepsPerEpoch * plan.epochs(), plan.batchSize(), plan.seed()));
        lines.add("task slots: " + workers + " needed at once; " + slots);
        lines.add("checkpoints: " + (checkpointDirectory == null ? "none" : "every " + training.checkpointEvery()
                + " steps, in " + checkpointDirectory));
        lines.add("output: " + config.output() + (config.overwrite() ? " (replacing an earlier output)" : ""));
        return List.copyOf(lines);
    }

    private static String describe(StudentSpec spec) {
        return spec.model() != null ? "from " + spec.model() : spec.architecture().name().toLowerCase(Locale.ROOT)
                + (spec.architecture() == StudentArchitecture.MLP ? "" : " channels " + spec.channels()) + " hidden "
                + spec.hidden();
    }

    private static String shape(int[] shape) {
        return String.join("×", Arrays.stream(shape).mapToObj(String::valueOf).toList());
    }
}
