package org.sparkdistill.core.teacher;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;

/**
 * Combines K teachers' logits into one target distribution: {@code q = Σ_k w_k · softmax(z_k / T)}.
 *
 * <p>Averaging probabilities rather than logits keeps the ensemble a proper mixture at any temperature. Weights are
 * {@link EnsembleWeighting uniform, fixed or per-example confidence}. Live teachers ({@link TeacherEnsemble}) and
 * cached logits ({@link CachedSoftLabels}) both combine through this class, so the two give the same targets for the
 * same logits. Immutable and thread-safe.
 */
public final class EnsembleMixture {
    private final EnsembleWeighting weighting;
    private final int teachers;
    /** Normalised to sum to one; null unless {@link EnsembleWeighting#FIXED}. */
    private final double[] fixedWeights;

    private EnsembleMixture(EnsembleWeighting weighting, int teachers, double[] fixedWeights) {
        this.weighting = weighting;
        this.teachers = teachers;
        this.fixedWeights = fixedWeights;
    }

    /** A mixture that weighs {@code teachers} teachers equally or by confidence; use {@link #fixed} for given weights. */
    public static EnsembleMixture of(EnsembleWeighting weighting, int teachers) {
        if (weighting == EnsembleWeighting.FIXED) {
            throw new InvalidInputException("ensemble weighting 'fixed' needs one weight per teacher; use fixed(...)");
        }
        requireTeachers(teachers);
        return new EnsembleMixture(weighting, teachers, null);
    }

    /**
     * A mixture with fixed weights, one per teacher, each finite and &gt; 0; they are normalised to sum to one.
     *
     * @param names the teachers' names, for messages
     */
    public static EnsembleMixture fixed(List<String> names, double... weights) {
        requireTeachers(names.size());
        if (weights.length != names.size()) {
            throw new InvalidInputException("ensemble has " + names.size() + " teachers but " + weights.length
                    + " weights " + Arrays.toString(weights) + "; give one weight per teacher");
        }
        double total = 0;
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] > 0) || Double.isInfinite(weights[k])) {
                throw new InvalidInputException("weight of teacher '" + names.get(k) + "' = " + weights[k]
                        + ": must be finite and > 0");
            }
            total += weights[k];
        }
        double[] normalized = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            normalized[k] = weights[k] / total;
        }
        return new EnsembleMixture(EnsembleWeighting.FIXED, names.size(), normalized);
    }

    private static void requireTeachers(int teachers) {
        if (teachers < 1) {
            throw new InvalidInputException("a teacher ensemble needs at least one teacher, but none was given");
        }
    }

    public EnsembleWeighting weighting() {
        return weighting;
    }

    /** The number of teachers K whose logits {@link #combine} takes. */
    public int teachers() {
        return teachers;
    }

    /**
     * The ensemble's target distribution for one batch.
     *
     * @param logits each teacher's logits, {@code [N, C]}, in teacher order
     * @param hardLabels the batch's one-hot labels, {@code [N, C]}; confidence weighting reads them
     * @param temperature the softening temperature, &gt; 0
     * @return row-stochastic targets, {@code [N, C]}, in {@code float}
     * @throws InvalidInputException when the temperature is not positive or the arrays disagree in number or shape
     */
    public INDArray combine(List<INDArray> logits, INDArray hardLabels, double temperature) {
        if (!(temperature > 0)) {
            throw new InvalidInputException("temperature = " + temperature + ": must be > 0");
        }
        if (logits.size() != teachers) {
            throw new InvalidInputException("the ensemble has " + teachers + " teachers but " + logits.size()
                    + " logit arrays were given");
        }
        List<INDArray> z = logits.stream().map(l -> l.castTo(DataType.FLOAT)).toList();
        for (INDArray l : z) {
            if (l.rank() != 2 || !Arrays.equals(l.shape(), hardLabels.shape())) {
                throw new InvalidInputException("teacher logits of shape " + Arrays.toString(l.shape())
                        + " do not match the labels' shape " + Arrays.toString(hardLabels.shape()));
            }
        }
        INDArray weights = weights(z, hardLabels);
        INDArray mixture = null;
        for (int k = 0; k < teachers; k++) {
            INDArray term = Transforms.softmax(z.get(k).div(temperature), false)
                    .muliColumnVector(weights.getColumn(k, true));
            mixture = mixture == null ? term : mixture.addi(term);
        }
        return mixture;
    }

    /** Per-example teacher weights, {@code [N, K]}, each row summing to one. */
    INDArray weights(List<INDArray> logits, INDArray hardLabels) {
        long rows = logits.get(0).size(0);
        return switch (weighting) {
            case UNIFORM -> Nd4j.valueArrayOf(new long[] {rows, teachers}, 1.0 / teachers, DataType.FLOAT);
            case FIXED -> Nd4j.create(fixedWeights, new long[] {1, teachers}, DataType.FLOAT).repeat(0, rows);
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
    public String toString() {
        return "EnsembleMixture(" + weighting.name().toLowerCase(java.util.Locale.ROOT) + ", " + teachers + " teachers"
                + (fixedWeights == null ? "" : ", weights " + Arrays.toString(fixedWeights)) + ")";
    }
}
