package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;

/**
 * What every teacher-backed {@link SoftTargetSource} gives: the mixture {@code Σ_k w_k · softmax(z_k / T)} of its
 * teachers' logits for the batch's rows, checked against a direct computation in double precision. Implementations
 * (live teachers, cached logits) extend it and say how they are built from the same teachers.
 */
public abstract class SoftTargetSourceContract {
    static final int FEATURES = 6;
    static final int CLASSES = 5;
    static final Examples SHARD = shard(40, new Random(17));
    static final InMemoryShard SHARD_ROWS = InMemoryShard.of(SHARD);
    static final List<Teacher> TEACHERS = List.of(linear("a.zip", 1), linear("b.zip", 2), linear("c.zip", 3));

    /**
     * The source under test for the training shard {@code shard}, backed by {@code teachers} and combining them as
     * {@code mixture} says.
     */
    protected abstract SoftTargetSource source(List<Teacher> teachers, EnsembleMixture mixture, Examples shard);

    static Examples shard(int rows, Random random) {
        float[] features = new float[rows * FEATURES];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return new Examples("contract shard", features, labels, new int[] {FEATURES}, CLASSES);
    }

    /**
     * A teacher whose logits are a fixed linear map of the features, computed row by row so that a row's logits do
     * not depend on the other rows of its batch.
     */
    static Teacher linear(String name, long seed) {
        float[] weights = gaussian(new Random(seed), FEATURES * CLASSES, 2.0);
        return TeacherEnsembleTest.teacher(name, features -> {
            float[][] x = features.castTo(DataType.FLOAT).toFloatMatrix();
            float[][] z = new float[x.length][CLASSES];
            for (int i = 0; i < x.length; i++) {
                for (int c = 0; c < CLASSES; c++) {
                    for (int j = 0; j < FEATURES; j++) {
                        z[i][c] += x[i][j] * weights[j * CLASSES + c];
                    }
                }
            }
            return Nd4j.createFromArray(z);
        });
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    /** The mixture computed directly from the teachers' logits, in double precision. */
    static double[][] expected(List<Teacher> teachers, double[] fixedWeights, boolean confidence, INDArray x,
            INDArray labels, double temperature) {
        int n = (int) x.size(0);
        double[][] q = new double[n][CLASSES];
        double[][][] p = new double[teachers.size()][][];
        double[][] weights = new double[n][teachers.size()];
        for (int k = 0; k < teachers.size(); k++) {
            float[][] z = teachers.get(k).logits(x).toFloatMatrix();
            p[k] = new double[n][];
            for (int i = 0; i < n; i++) {
                p[k][i] = TopKLogitsTest.softmax(z[i], temperature);
                int label = labels.getRow(i).argMax().getInt(0);
                weights[i][k] = confidence ? TopKLogitsTest.softmax(z[i], 1)[label] : fixedWeights[k];
            }
        }
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (double w : weights[i]) {
                total += w;
            }
            for (int k = 0; k < teachers.size(); k++) {
                for (int c = 0; c < CLASSES; c++) {
                    q[i][c] += weights[i][k] / total * p[k][i][c];
                }
            }
        }
        return q;
    }

    /** A shuffled batch of shard rows, some twice, as a trainer wrapping around a small shard would take them. */
    static int[] batchRows() {
        int[] order = ShuffleOrder.DEFAULT.epoch(SHARD.size(), 9L, 1);
        int[] rows = new int[16];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = order[(i * 3) % order.length];
        }
        rows[15] = rows[0];
        return rows;
    }

    void assertMixture(EnsembleMixture mixture, double[] fixedWeights, boolean confidence) {
        SoftTargetSource source = source(TEACHERS, mixture, SHARD);
        int[] rows = batchRows();
        INDArray x = Batches.features(SHARD, rows, 0, rows.length);
        INDArray y = Batches.oneHot(SHARD, rows, 0, rows.length);
        for (double t : new double[] {0.5, 1, 2, 4, 10}) {
            double[][] want = expected(TEACHERS, fixedWeights, confidence, x, y, t);
            for (INDArray q : List.of(source.softTargets(x, y, rows, t))) {
                assertEquals(rows.length, q.size(0));
                for (int i = 0; i < rows.length; i++) {
                    assertEquals(1.0, q.getRow(i).sumNumber().doubleValue(), 1e-5, "row " + i + " sums to one");
                    for (int c = 0; c < CLASSES; c++) {
                        assertEquals(want[i][c], q.getDouble(i, c), 1e-5, "T = " + t + ", row " + i + ", class " + c);
                    }
                }
            }
        }
    }

    @Test
    void uniformWeightingAveragesTheTeachersAtEveryTemperature() {
        assertMixture(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3), new double[] {1, 1, 1}, false);
    }

    @Test
    void fixedWeightsAreNormalised() {
        assertMixture(EnsembleMixture.fixed(List.of("a.zip", "b.zip", "c.zip"), 3, 1, 0.5), new double[] {3, 1, 0.5},
                false);
    }

    @Test
    void confidenceWeightingFollowsEachTeachersProbabilityOfTheTrueLabel() {
        assertMixture(EnsembleMixture.of(EnsembleWeighting.CONFIDENCE, 3), null, true);
    }

    @Test
    void aNonPositiveTemperatureIsRefused() {
        SoftTargetSource source = source(TEACHERS, EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3), SHARD);
        int[] rows = batchRows();
        INDArray x = Batches.features(SHARD, rows, 0, rows.length);
        INDArray y = Batches.oneHot(SHARD, rows, 0, rows.length);
        for (double t : new double[] {0, -1, Double.NaN}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> source.softTargets(x, y, rows, t));
            assertTrue(e.getMessage().startsWith("temperature = " + t), e.getMessage());
        }
    }
}
