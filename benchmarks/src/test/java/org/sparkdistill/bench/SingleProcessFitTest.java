package org.sparkdistill.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Batches;
import org.sparkdistill.core.train.UpdaterKind;

class SingleProcessFitTest {
    private static final Examples EXAMPLES = examples(100, 6, 3);

    private static Examples examples(int rows, int width, int classes) {
        SplittableRandom random = new SplittableRandom(7);
        float[] features = new float[rows * width];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(classes);
            for (int j = 0; j < width; j++) {
                features[i * width + j] = (float) random.nextDouble() + (j == labels[i] ? 1f : 0f);
            }
        }
        return new Examples("synthetic", features, labels, new int[] {width}, classes);
    }

    private static Workload workload() {
        return new Workload(EXAMPLES, List.of(8), UpdaterKind.SGD, 0.1, 16, 3, 1, "local[1]");
    }

    private static INDArray paramsAfterEpochs(int epochs) {
        try (SingleProcessFit contender = new SingleProcessFit()) {
            contender.start(workload());
            MultiLayerNetwork model = null;
            for (int e = 0; e < epochs; e++) {
                model = contender.trainOneEpoch();
            }
            return model.params().dup();
        }
    }

    @Test
    void anEpochTakesEveryRowInMinibatchesOfTheBatchSize() {
        List<DataSet> batches = Minibatches.all(EXAMPLES, ShuffleOrder.DEFAULT.epoch(EXAMPLES.size(), 3, 0), 16);
        assertEquals(7, batches.size());
        assertEquals(16, batches.get(0).numExamples());
        assertEquals(4, batches.get(6).numExamples());
        assertEquals(3, batches.get(6).getLabels().columns());
    }

    @Test
    void trainingIsReproducibleAndMovesTheWeights() {
        INDArray initial = workload().newStudent().params();
        INDArray trained = paramsAfterEpochs(2);
        assertEquals(trained, paramsAfterEpochs(2));
        assertNotEquals(initial, trained);
    }
}
