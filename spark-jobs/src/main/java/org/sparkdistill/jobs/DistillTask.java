package org.sparkdistill.jobs;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;

/**
 * The executor side of {@code distill}: collects its partition, loads the teachers, trains the student, sends it back.
 *
 * <p>Teachers listed while α is zero throughout are loaded for evaluation only; no teacher inference runs per step.
 */
final class DistillTask implements FlatMapFunction<Iterator<Row>, TrainedStudent> {
    private static final long serialVersionUID = 1L;

    private final DatasetInfo info;
    private final TrainingPlan plan;
    private final StudentSpec student;
    private final TeacherSpecs teachers;
    private final boolean distils;
    private final Broadcast<Examples> heldOut;
    private final Broadcast<List<byte[]>> teacherZips;
    private final String checkpointDirectory;

    DistillTask(DatasetInfo info, TrainingPlan plan, StudentSpec student, TeacherSpecs teachers, boolean distils,
                Broadcast<Examples> heldOut, Broadcast<List<byte[]>> teacherZips, String checkpointDirectory) {
        this.info = info;
        this.plan = plan;
        this.student = student;
        this.teachers = teachers;
        this.distils = distils;
        this.heldOut = heldOut;
        this.teacherZips = teacherZips;
        this.checkpointDirectory = checkpointDirectory;
    }

    @Override
    public Iterator<TrainedStudent> call(Iterator<Row> rows) {
        Examples data = ExampleFrames.fromRows("training partition", rows, info.shape(), info.numClasses());
        try (TeacherEnsemble ensemble = loadTeachers()) {
            Evaluator evaluator = ensemble == null ? Evaluator.labelsOnly(heldOut.value())
                    : Evaluator.withTeacher(heldOut.value(), ensemble);
            SoftTargetSource targets = distils ? ensemble : SoftTargetSource.HARD_LABELS;
            MultiLayerNetwork network = student.build(info.featureCount(), info.numClasses(), plan.seed(),
                    plan.stepsPerEpoch(data.size()) * plan.epochs());
            Checkpoints checkpoints = checkpointDirectory == null ? null : new Checkpoints(Path.of(checkpointDirectory));
            List<EpochMetrics> history = new DistillationTrainer(plan, targets, evaluator)
                    .train(network, data, TrainingState.START, checkpoints);
            TrainedStudent trained = TrainedStudent.of(network, history);
            network.close();
            return List.of(trained).iterator();
        }
    }

    private TeacherEnsemble loadTeachers() {
        return teachers.paths().isEmpty() ? null : teachers.load(teacherZips.value());
    }
}
