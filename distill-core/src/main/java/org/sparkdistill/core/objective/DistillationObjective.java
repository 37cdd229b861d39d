package org.sparkdistill.core.objective;

import java.io.Serializable;
import java.util.List;

/**
 * One term of the student's training loss, computed by heads that the trainer attaches to the student.
 *
 * <p>An objective names the student layer it reads, an optional trainable adapter between that layer and its loss, the
 * teacher signal it needs (the ensemble's soft targets, or a named teacher output) and its loss. The trainer builds a
 * {@link TrainingGraph} from the student and every objective's heads, feeds each head its labels, and leaves the heads
 * out of the student it saves. Implementations are immutable.
 */
public interface DistillationObjective extends Serializable {

    /** A short name, unique among a run's objectives; the names of its heads begin with it. */
    String name();

    /**
     * The heads that compute this objective on {@code student}.
     *
     * @throws org.sparkdistill.core.InvalidInputException naming the value when the student lacks a layer the objective
     *     reads, or no adapter fits the widths it joins
     */
    List<ObjectiveHead> heads(StudentGraph student);

    /** Whether the objective learns from other peers, so that it needs two or more; false by default. */
    default boolean needsPeers() {
        return false;
    }

        /** The named teacher outputs this objective reads, besides the ensemble's soft targets; none by default. */
    default List<TeacherOutput> teacherOutputs() {
        return List.of();
    }
}
