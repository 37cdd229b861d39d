package org.sparkdistill.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.UpdaterKind;

class MultiplyAddsTest {
    @Test
    void countsDenseLayersAsInputsTimesOutputs() {
        assertEquals(784 * 128 + 128 * 10, MultiplyAdds.perExample(Networks.mlp(784, List.of(128), 10,
                UpdaterKind.ADAM.withLearningRate(1e-3), 1L), InputType.feedForward(784)));
    }

    @Test
    void countsConvolutionsOverTheirOutputPositions() {
        // 28×28 → 5×5 conv, 16 maps: 24×24×16×25; pool → 12×12; 5×5 conv, 32 maps from 16: 8×8×32×25×16; pool → 4×4×32;
        // dense 512 → 128; output 128 → 10.
        long expected = 24L * 24 * 16 * 25 + 8L * 8 * 32 * 25 * 16 + 512L * 128 + 128L * 10;
        assertEquals(expected, MultiplyAdds.perExample(Networks.cnn(28, 28, 10, UpdaterKind.ADAM.withLearningRate(1e-3),
                1L), InputType.convolutionalFlat(28, 28, 1)));
    }
}
