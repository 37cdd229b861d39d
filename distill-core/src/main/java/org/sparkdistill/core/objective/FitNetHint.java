package org.sparkdistill.core.objective;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * A FitNet hint: a student layer, through a trainable regressor, learns to reproduce a teacher's inner activation.
 *
 * <p>See: Romero A., Ballas N., Kahou S. E., Chassang A., Gatta C., Bengio Y. "FitNets: Hints for Thin Deep Nets",
 * ICLR 2015. The loss is {@code weight} times the mean squared error between the adapted student activation and the
 * teacher output; the adapter (see {@link HintHead}) trains with the student and is left out of the saved student.
 *
 * @param student the student layer (vertex) whose activation is the guided layer
 * @param teacher the teacher output that is the hint
 * @param weight the objective's share of the loss, finite and &gt;= 0
 */
public record FitNetHint(String student, TeacherOutput teacher, double weight) implements DistillationObjective {
    /** The prefix of a hint objective's name. */
    public static final String TYPE = "hint";

    public FitNetHint {
        if (student == null || student.isBlank()) {
            throw new InvalidInputException("objective hint: the student layer must be named, got '" + student + "'");
        }
        if (teacher == null) {
            throw new InvalidInputException("objective hint on student layer '" + student + "': the teacher output"
                    + " must be named");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidInputException("objective hint on student layer '" + student + "': weight = " + weight
                    + " must be finite and >= 0");
        }
    }

    @Override
    public String name() {
        return TYPE + "-" + student;
    }

    @Override
    public List<ObjectiveHead> heads(StudentGraph graph) {
        String layer = graph.vertex(student);
        graph.activationShape(layer);
        return List.of(new HintHead(graph.head(name()), layer, teacher, weight));
    }

    @Override
    public List<TeacherOutput> teacherOutputs() {
        return List.of(teacher);
    }
}
