package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.InvalidInputException;

class TeacherEnsembleTest {
    static final INDArray FEATURES = Nd4j.zeros(DataType.FLOAT, 2, 3);
    static final INDArray LABELS = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}});
    static final Teacher CONFIDENT = fixedLogits("confident", new float[][] {{4, 0, 0}, {0, 0, 4}});
    static final Teacher WRONG = fixedLogits("wrong", new float[][] {{0, 4, 0}, {4, 0, 0}});

    static Teacher fixedLogits(String name, float[][] logits) {
        return teacher(name, features -> Nd4j.createFromArray(logits)
                .getRows(java.util.stream.IntStream.range(0, (int) features.size(0)).toArray()));
    }

    /** A teacher named {@code name} whose logits {@code logits} computes. */
    static Teacher teacher(String name, java.util.function.UnaryOperator<INDArray> logits) {
        return new Teacher() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public INDArray logits(INDArray features) {
                return logits.apply(features);
            }
        };
    }

    static INDArray softmax(Teacher teacher, double temperature) {
        return Transforms.softmax(teacher.logits(FEATURES).div(temperature), false);
    }

    @Test
    void uniformWeightingAveragesProbabilitiesAtTheTemperature() {
        INDArray q = TeacherEnsemble.of(List.of(CONFIDENT, WRONG), EnsembleWeighting.UNIFORM)
                .softTargets(FEATURES, LABELS, 2.0);
        INDArray expected = softmax(CONFIDENT, 2.0).add(softmax(WRONG, 2.0)).div(2);
        assertEquals(0.0, expected.sub(q).amaxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, q.sum(1).sub(1.0).amaxNumber().doubleValue(), 1e-6, "rows sum to one");
    }

    @Test
    void fixedWeightsAreNormalised() {
        INDArray q = TeacherEnsemble.fixed(List.of(CONFIDENT, WRONG), 3.0, 1.0).softTargets(FEATURES, LABELS, 1.0);
        INDArray expected = softmax(CONFIDENT, 1.0).mul(0.75).add(softmax(WRONG, 1.0).mul(0.25));
        assertEquals(0.0, expected.sub(q).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void confidenceWeightingFollowsEachTeachersProbabilityOfTheTrueLabel() {
        TeacherEnsemble ensemble = TeacherEnsemble.of(List.of(CONFIDENT, WRONG), EnsembleWeighting.CONFIDENCE);
        INDArray q = ensemble.softTargets(FEATURES, LABELS, 1.0);
        INDArray pConfident = softmax(CONFIDENT, 1.0);
        INDArray pWrong = softmax(WRONG, 1.0);
        for (int row = 0; row < 2; row++) {
            int label = row == 0 ? 0 : 2;
            double a = pConfident.getDouble(row, label);
            double b = pWrong.getDouble(row, label);
            for (int c = 0; c < 3; c++) {
                double expected = (a * pConfident.getDouble(row, c) + b * pWrong.getDouble(row, c)) / (a + b);
                assertEquals(expected, q.getDouble(row, c), 1e-6);
            }
        }
        assertTrue(q.getDouble(0, 0) > 0.9, "the confident teacher dominates");
    }

    @Test
    void singleTeacherEnsembleIsThatTeacher() {
        INDArray q = TeacherEnsemble.of(List.of(WRONG), EnsembleWeighting.CONFIDENCE).softTargets(FEATURES, LABELS, 3.0);
        // The lone teacher's weight is its confidence divided by itself, exactly 1, so nothing rounds differently.
        assertIdentical(softmax(WRONG, 3.0), q, "the soft targets of a one-teacher ensemble");
    }

    @Test
    void classCountMismatchNamesBothShapes() {
        TeacherEnsemble ensemble = TeacherEnsemble.of(List.of(CONFIDENT), EnsembleWeighting.UNIFORM);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ensemble.requireCompatible(3, 10));
        assertTrue(e.getMessage().contains("'confident'") && e.getMessage().contains("[1, 3]")
                && e.getMessage().contains("[1, 10]"), e.getMessage());
    }

    @Test
    void inputShapeMismatchNamesTheTeacherAndTheInputShape() {
        Teacher picky = new Teacher() {
            @Override
            public String name() {
                return "picky.zip";
            }

            @Override
            public INDArray logits(INDArray features) {
                throw new IllegalStateException("expected 784 inputs");
            }
        };
        TeacherEnsemble ensemble = TeacherEnsemble.of(List.of(picky), EnsembleWeighting.UNIFORM);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ensemble.requireCompatible(12, 3));
        assertTrue(e.getMessage().contains("'picky.zip'") && e.getMessage().contains("[1, 12]")
                && e.getMessage().contains("expected 784 inputs"), e.getMessage());
    }

    @Test
    void refusesBadEnsembles() {
        assertThrows(InvalidInputException.class, () -> TeacherEnsemble.of(List.of(), EnsembleWeighting.UNIFORM));
        assertThrows(InvalidInputException.class, () -> TeacherEnsemble.of(List.of(WRONG), EnsembleWeighting.FIXED));
        InvalidInputException count = assertThrows(InvalidInputException.class,
                () -> TeacherEnsemble.fixed(List.of(WRONG, CONFIDENT), 1.0));
        assertTrue(count.getMessage().contains("2 teachers but 1 weights"), count.getMessage());
        InvalidInputException negative = assertThrows(InvalidInputException.class,
                () -> TeacherEnsemble.fixed(List.of(WRONG, CONFIDENT), 1.0, -2.0));
        assertTrue(negative.getMessage().contains("'confident' = -2.0"), negative.getMessage());
        InvalidInputException temperature = assertThrows(InvalidInputException.class,
                () -> TeacherEnsemble.of(List.of(WRONG), EnsembleWeighting.UNIFORM).softTargets(FEATURES, LABELS, -1));
        assertTrue(temperature.getMessage().contains("temperature = -1.0"), temperature.getMessage());
    }
}
