package org.sparkdistill.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.objective.Codistillation;
import org.sparkdistill.core.objective.DistillationObjective;
import org.sparkdistill.core.objective.FitNetHint;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.MutualLearning;
import org.sparkdistill.core.objective.TeacherOutput;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.jobs.config.DistillationConfig;
import org.sparkdistill.jobs.config.ObjectiveConfig;

/** Turns the configured objectives into the core's, finding each hint's teacher and the width of its output. */
final class ObjectiveSpecs {
    private ObjectiveSpecs() {}

    /**
     * The objectives of {@code distillation}: kd alone at weight 1 when none are listed.
     *
     * @param dataShape the data's example shape, with which the teachers are probed for their hint widths
     * @throws InvalidInputException naming the objective when a hint names an output no teacher offers among its
     *     {@code hints}, more than one does and no {@code teacherIndex} says which, or the index is out of range
     */
    static List<DistillationObjective> resolve(DistillationConfig distillation, TeacherSpecs teachers, int[] dataShape) {
        if (distillation.objectives().isEmpty()) {
            return List.of(KnowledgeDistillation.alone());
        }
        List<DistillationObjective> objectives = new ArrayList<>();
        List<ObjectiveConfig> hints = distillation.objectives().stream()
                .filter(o -> o.type() == ObjectiveConfig.Type.HINT).toList();
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < distillation.objectives().size(); i++) {
            ObjectiveConfig objective = distillation.objectives().get(i);
            if (objective.type() == ObjectiveConfig.Type.HINT) {
                owners.add(owner(objective, i, teachers));
            }
        }
        long[] widths = hints.isEmpty() ? new long[0] : widths(hints, owners, teachers, dataShape);
        int h = 0;
        for (ObjectiveConfig objective : distillation.objectives()) {
            if (objective.type() == ObjectiveConfig.Type.KD) {
                objectives.add(new KnowledgeDistillation(objective.weight()));
            } else if (objective.type() == ObjectiveConfig.Type.MUTUAL) {
                objectives.add(new MutualLearning(objective.weight(), objective.temperature()));
            } else if (objective.type() == ObjectiveConfig.Type.CODISTILL) {
                objectives.add(new Codistillation(objective.weight(), objective.temperature()));
            } else {
                objectives.add(new FitNetHint(objective.student(),
                        new TeacherOutput(owners.get(h), objective.teacher(), widths[h]), objective.weight()));
                h++;
            }
        }
        return objectives;
    }

    /** The position of the teacher whose hints hold the objective's teacher output. */
    private static int owner(ObjectiveConfig hint, int index, TeacherSpecs teachers) {
        String where = "distillation.objectives[" + index + "]";
        int count = teachers.paths().size();
        if (hint.teacherIndex() != null) {
            int k = hint.teacherIndex();
            if (k >= count) {
                throw new InvalidInputException(where + ".teacherIndex = " + k + ": there are " + count + " teachers");
            }
            if (!teachers.descriptions().get(k).hints().contains(hint.teacher())) {
                throw new InvalidInputException(where + ".teacher = " + hint.teacher() + ": teachers[" + k + "].hints = "
                        + teachers.descriptions().get(k).hints() + " does not offer it; add it there");
            }
            return k;
        }
        int[] offering = IntStream.range(0, count)
                .filter(k -> teachers.descriptions().get(k).hints().contains(hint.teacher())).toArray();
        if (offering.length == 1) {
            return offering[0];
        }
        if (offering.length == 0) {
            throw new InvalidInputException(where + ".teacher = " + hint.teacher() + ": no teacher offers it among its"
                    + " hints (" + IntStream.range(0, count).mapToObj(k -> "teachers[" + k + "].hints = "
                    + teachers.descriptions().get(k).hints()).toList() + "); add it to a teacher's hints");
        }
        throw new InvalidInputException(where + ".teacher = " + hint.teacher() + ": teachers " + Arrays.toString(offering)
                + " all offer it; set " + where + ".teacherIndex to one of them");
    }

    /** The width of each hint's teacher output, from one probe example. */
    private static long[] widths(List<ObjectiveConfig> hints, List<Integer> owners, TeacherSpecs teachers,
            int[] dataShape) {
        INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, Arrays.stream(dataShape).reduce(1, Math::multiplyExact));
        long[] widths = new long[hints.size()];
        try (TeacherEnsemble ensemble = teachers.load(dataShape)) {
            for (int h = 0; h < hints.size(); h++) {
                Teacher teacher = ensemble.teachers().get(owners.get(h));
                widths[h] = teacher.activations(probe, List.of(hints.get(h).teacher())).get(0).size(1);
            }
        }
        return widths;
    }
}
