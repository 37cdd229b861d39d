package org.sparkdistill.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkdistill.core.InvalidInputException;

/**
 * The layout of a distillation labels array: the hard labels, then the teacher's soft targets.
 *
 * <p>A student stays an ordinary DL4J network because its labels array carries both parts side by
 * side: row {@code i} is {@code [y_i (C columns) | q_i (C columns)]}, where {@code y_i} is the one-hot
 * label and {@code q_i} the teacher's temperature-softened distribution.
 */
public final class SoftTargets {
    private SoftTargets() {}

    /** Places hard labels {@code [N, C]} and soft targets {@code [N, C]} side by side as {@code [N, 2C]}. */
    public static INDArray pack(INDArray hardLabels, INDArray softTargets) {
        requireSameShape(hardLabels, softTargets);
        return packInto(Nd4j.create(hardLabels.dataType(), hardLabels.size(0), 2 * hardLabels.size(1)), hardLabels,
                softTargets);
    }

    /** Writes hard labels {@code [N, C]} and soft targets {@code [N, C]} side by side into {@code packed}, {@code [N, 2C]}. */
    public static INDArray packInto(INDArray packed, INDArray hardLabels, INDArray softTargets) {
        requireSameShape(hardLabels, softTargets);
        long classes = hardLabels.size(1);
        if (packed.rank() != 2 || packed.size(0) != hardLabels.size(0) || packed.size(1) != 2 * classes) {
            throw new InvalidInputException("cannot pack labels of shape " + shape(hardLabels) + " into an array of shape "
                    + shape(packed) + "; it must be [" + hardLabels.size(0) + ", " + 2 * classes + "]");
        }
        hard(packed, classes).assign(hardLabels);
        soft(packed, classes).assign(softTargets);
        return packed;
    }

    private static void requireSameShape(INDArray hardLabels, INDArray softTargets) {
        if (!hardLabels.equalShapes(softTargets)) {
            throw new InvalidInputException("hard labels have shape " + shape(hardLabels)
                    + " but soft targets have shape " + shape(softTargets) + "; they must be equal");
        }
    }

    /** A view of the hard-label half of a packed labels array. */
    public static INDArray hard(INDArray packed, long numClasses) {
        return packed.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses));
    }

    /** A view of the soft-target half of a packed labels array. */
    public static INDArray soft(INDArray packed, long numClasses) {
        return packed.get(NDArrayIndex.all(), NDArrayIndex.interval(numClasses, 2 * numClasses));
    }

    /** Checks that {@code packed} is {@code [N, 2C]} for a student with {@code C = output.size(1)} outputs. */
    public static void requirePacked(INDArray packed, INDArray studentOutput) {
        long classes = studentOutput.size(1);
        if (packed.rank() != 2 || packed.size(0) != studentOutput.size(0) || packed.size(1) != 2 * classes) {
            throw new InvalidInputException("distillation labels have shape " + shape(packed)
                    + " but a student output of shape " + shape(studentOutput) + " needs labels of shape ["
                    + studentOutput.size(0) + ", " + 2 * classes + "] (one-hot labels, then teacher probabilities)");
        }
    }

    static String shape(INDArray a) {
        return java.util.Arrays.toString(a.shape());
    }
}
