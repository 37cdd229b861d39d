package org.sparkdistill.core.teacher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.objective.TeacherOutput;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;

/**
 * Several teachers run on each batch and combined in probability space by an {@link EnsembleMixture}:
 * {@code q = Σ_k w_k · softmax(z_k / T)}.
 *
 * <p>Weights are {@link EnsembleWeighting uniform, fixed or per-example confidence}. Not thread-safe, like its
 * teachers.
 */
public final class TeacherEnsemble implements SoftTargetSource, AutoCloseable {
    private final List<Teacher> teachers;
    private final EnsembleMixture mixture;

    private TeacherEnsemble(List<? extends Teacher> teachers, EnsembleMixture mixture) {
        this.teachers = List.copyOf(teachers);
        this.mixture = mixture;
    }

    /** An ensemble that weighs its teachers equally or by confidence; use {@link #fixed} for given weights. */
    public static TeacherEnsemble of(List<? extends Teacher> teachers, EnsembleWeighting weighting) {
        return new TeacherEnsemble(teachers, EnsembleMixture.of(weighting, teachers.size()));
    }

    /** An ensemble with fixed weights, one per teacher, each finite and &gt; 0; they are normalised to sum to one. */
    public static TeacherEnsemble fixed(List<? extends Teacher> teachers, double... weights) {
        return new TeacherEnsemble(teachers, EnsembleMixture.fixed(names(teachers), weights));
    }

    /** An ensemble that combines its teachers as {@code mixture} says; it must be a mixture of as many teachers. */
    public static TeacherEnsemble of(List<? extends Teacher> teachers, EnsembleMixture mixture) {
        if (teachers.size() != mixture.teachers()) {
            throw new InvalidInputException("ensemble of " + teachers.size() + " teachers " + names(teachers)
                    + " cannot use " + mixture);
        }
        return new TeacherEnsemble(teachers, mixture);
    }

    private static List<String> names(List<? extends Teacher> teachers) {
        return teachers.stream().map(Teacher::name).toList();
    }

    public List<Teacher> teachers() {
        return teachers;
    }

    public EnsembleWeighting weighting() {
        return mixture.weighting();
    }

    public EnsembleMixture mixture() {
        return mixture;
    }

    /**
     * Checks, before any training, that every teacher takes the student's input and predicts its classes.
     *
     * @param featureCount the width D of a flat input row
     * @param numClasses the student's number of outputs C
     * @throws InvalidInputException naming the teacher and both shapes when they disagree
     */
    public void requireCompatible(int featureCount, int numClasses) {
        INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, featureCount);
        for (Teacher teacher : teachers) {
            INDArray logits;
            try {
                logits = teacher.logits(probe);
            } catch (RuntimeException e) {
                throw new InvalidInputException("teacher '" + teacher.name() + "' cannot take the student's input of shape "
                        + Arrays.toString(probe.shape()) + ": " + e.getMessage(), e);
            }
            if (logits.rank() != 2 || logits.size(1) != numClasses) {
                throw new InvalidInputException("teacher '" + teacher.name() + "' outputs shape "
                        + Arrays.toString(logits.shape()) + " but the student outputs shape [1, " + numClasses
                        + "]; teacher and student must predict the same classes");
            }
        }
    }

    @Override
    public INDArray softTargets(INDArray features, INDArray hardLabels, double temperature) {
        if (!(temperature > 0)) {
            throw new InvalidInputException("temperature = " + temperature + ": must be > 0");
        }
        List<INDArray> logits = new ArrayList<>(teachers.size());
        for (Teacher teacher : teachers) {
            logits.add(teacher.logits(features));
        }
        return mixture.combine(logits, hardLabels, temperature);
    }

    @Override
    public List<INDArray> outputs(INDArray features, int[] rows, List<TeacherOutput> outputs) {
        List<INDArray> values = new ArrayList<>(outputs.size());
        for (TeacherOutput output : outputs) {
            if (output.teacher() >= teachers.size()) {
                throw new InvalidInputException("teacher output " + output + " names teacher " + output.teacher()
                        + ", but the ensemble has " + teachers.size() + " teachers");
            }
            INDArray value = teachers.get(output.teacher()).activations(features, List.of(output.name())).get(0);
            if (value.rank() != 2 || value.size(1) != output.width()) {
                throw new InvalidInputException("teacher '" + teachers.get(output.teacher()).name() + "' gave output '"
                        + output.name() + "' of shape " + Arrays.toString(value.shape()) + "; expected [" + value.size(0)
                        + ", " + output.width() + "]");
            }
            values.add(value);
        }
        return values;
    }

    @Override
    public void close() {
        teachers.forEach(Teacher::close);
    }
}
