package org.sparkdistill.core.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;

/** Applies a per-example mask ({@code [N, 1]}) to per-example scores or per-example gradient rows. */
final class ExampleMask {
    private ExampleMask() {}

    /** {@code values} with row {@code i} multiplied by {@code mask[i]}; {@code values} itself when there is no mask. */
    static INDArray apply(INDArray values, INDArray mask) {
        if (mask == null) {
            return values;
        }
        if (mask.rank() != 2 || mask.size(0) != values.size(0) || mask.size(1) != 1) {
            throw new InvalidInputException("distillation losses support per-example masks of shape [" + values.size(0)
                    + ", 1] only, but the mask has shape " + Arrays.toString(mask.shape()));
        }
        return values.muliColumnVector(mask.castTo(values.dataType()));
    }
}
