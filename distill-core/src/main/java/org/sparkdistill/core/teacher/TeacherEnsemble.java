package org.sparkdistill.core.teacher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;

/**
 * Several teachers combined in probability space: {@code q = Σ_k w_k · softmax(z_k / T)}.
 *
 * <p>Averaging probabilities rather than logits keeps the ensemble a proper mixture at any temperature. Weights are
 * {@link EnsembleWeighting uniform, fixed or per-example confidence}. Not thread-safe, like its teachers.
 */
public final class TeacherEnsemble implements SoftTargetSource, AutoCloseable {
    private final List<Teacher> teachers;
    private final EnsembleWeighting weighting;
    private final double[] fixedWeights;

    private TeacherEnsemble(List<Teacher> teachers, EnsembleWeighting weighting, double[] fixedWeights) {
        this.teachers = List.copyOf(teachers);
        this.weighting = weighting;
        this.fixedWeights = fixedWeights;
    }

    /** An ensemble that weighs its teachers equally or by confidence; use {@link #fixed} for given weights. */
    public static TeacherEnsemble of(List<? extends Teacher> teachers, EnsembleWeighting weighting) {
        if (weighting == EnsembleWeighting.FIXED) {
            throw new InvalidInputException("ensemble weighting 'fixed' needs one weight per teacher; use fixed(...)");
        }
        requireTeachers(teachers);
        return new TeacherEnsemble(new ArrayList<>(teachers), weighting, null);
    }

    /** An ensemble with fixed weights, one per teacher, each finite and &gt; 0; they are normalised to sum to one. */
    public static TeacherEnsemble fixed(List<? extends Teacher> teachers, double... weights) {
        requireTeachers(teachers);
        if (weights.length != teachers.size()) {
            throw new InvalidInputException("ensemble has " + teachers.size() + " teachers but " + weights.length
                    + " weights " + Arrays.toString(weights) + "; give one weight per teacher");
        }
        double total = 0;
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] > 0) || Double.isInfinite(weights[k])) {
                throw new InvalidInputException("weight of teacher '" + teachers.get(k).name() + "' = " + weights[k]
                        + ": must be finite and > 0");
            }
            total += weights[k];
        }
        double[] normalized = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            normalized[k] = weights[k] / total;
        }
        return new TeacherEnsemble(new ArrayList<>(teachers), EnsembleWeighting.FIXED, normalized);
    }

    private static void requireTeachers(List<? extends Teacher> teachers) {
        if (teachers.isEmpty()) {
            throw new InvalidInputException("a teacher ensemble needs at least one teacher, but none was given");
        }
    }

    public List<Teacher> teachers() {
        return teachers;
    }

    public EnsembleWeighting weighting() {
        return weighting;
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
        INDArray mixture = null;
        List<INDArray> softened = new ArrayList<>(teachers.size());
        List<INDArray> logits = new ArrayList<>(teachers.size());
        for (Teacher teacher : teachers) {
            INDArray z = teacher.logits(features).castTo(DataType.FLOAT);
            logits.add(z);
            softened.add(Transforms.softmax(z.div(temperature), false));
        }
        INDArray weights = weights(logits, hardLabels);
        for (int k = 0; k < teachers.size(); k++) {
            INDArray term = softened.get(k).muliColumnVector(weights.getColumn(k, true));
            mixture = mixture == null ? term : mixture.addi(term);
        }
        return mixture;
    }

    /** Per-example teacher weights, {@code [N, K]}, each row summing to one. */
    INDArray weights(List<INDArray> logits, INDArray hardLabels) {
        long rows = logits.get(0).size(0);
        int k = teachers.size();
        return switch (weighting) {
            case UNIFORM -> Nd4j.valueArrayOf(new long[] {rows, k}, 1.0 / k, DataType.FLOAT);
            case FIXED -> Nd4j.create(fixedWeights, new long[] {1, k}, DataType.FLOAT).repeat(0, rows);
            case CONFIDENCE -> confidenceWeights(logits, hardLabels);
        };
    }

    private static INDArray confidenceWeights(List<INDArray> logits, INDArray hardLabels) {
        INDArray labels = hardLabels.castTo(DataType.FLOAT);
        INDArray confidence = Nd4j.create(DataType.FLOAT, logits.get(0).size(0), logits.size());
        for (int k = 0; k < logits.size(); k++) {
            INDArray trueLabelProbability = Transforms.softmax(logits.get(k), true).muli(labels).sum(true, 1);
            confidence.getColumn(k, true).assign(trueLabelProbability);
        }
        return confidence.diviColumnVector(confidence.sum(true, 1));
    }

    @Override
    public void close() {
        teachers.forEach(Teacher::close);
    }
}
