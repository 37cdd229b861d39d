package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Steps either network kind through DL4J's fit or the fused step, and compares two networks' training state. */
final class Training {
    private Training() {}

    static void fitWithDl4j(Model network, DataSet batch) {
        if (network instanceof MultiLayerNetwork multiLayer) {
            multiLayer.fit(batch);
        } else {
            ((ComputationGraph) network).fit(batch);
        }
    }

    static void fitFused(Model network, FusedUpdate update, DataSet batch) {
        if (network instanceof MultiLayerNetwork multiLayer) {
            FusedStep.fit(multiLayer, update, batch);
        } else {
            FusedStep.fit((ComputationGraph) network, update, batch.toMultiDataSet());
        }
    }

    static INDArray updaterState(Model network) {
        return network instanceof MultiLayerNetwork multiLayer ? multiLayer.getUpdater().getStateViewArray()
                : ((ComputationGraph) network).getUpdater().getStateViewArray();
    }

    /** Largest relative difference per element that one or two roundings apart in a few steps can explain. */
    static final double RELATIVE = 1e-5;
    /** Absolute difference always accepted, for elements near zero. */
    static final double FLOOR = 1e-8;

    /**
     * Asserts the same iteration count, and parameters and updater state within {@link #RELATIVE} of the expected
     * value, or {@link #FLOOR}, element by element.
     */
    static void assertSameTraining(Model expected, Model actual, String what) {
        assertEquals(BaseOptimizer.getIterationCount(expected), BaseOptimizer.getIterationCount(actual),
                what + ": iteration count");
        assertWithin(expected.params(), actual.params(), what + ": parameters");
        INDArray expectedState = updaterState(expected);
        INDArray actualState = updaterState(actual);
        if (expectedState == null || actualState == null) {
            assertEquals(expectedState, actualState, what + ": updater state (SGD keeps none)");
            return;
        }
        assertWithin(expectedState, actualState, what + ": updater state");
    }

    /** Asserts equal length and every element within tolerance, naming the element furthest outside it. */
    static void assertWithin(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length(), what + ": length");
        double[] want = expected.castTo(DataType.DOUBLE).reshape(expected.length()).toDoubleVector();
        double[] got = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        int worst = 0;
        double largest = 0;
        for (int i = 0; i < want.length; i++) {
            double difference = Math.abs(want[i] - got[i]) / (RELATIVE * Math.abs(want[i]) + FLOOR);
            if (Double.isNaN(difference)) {
                fail(what + ": element " + i + " of " + want.length + " is " + got[i] + ", expected " + want[i]);
            }
            if (difference > largest) {
                largest = difference;
                worst = i;
            }
        }
        if (largest > 1) {
            fail(what + ": element " + worst + " of " + want.length + " is " + got[worst] + ", expected " + want[worst]
                    + " within " + RELATIVE + " of it or " + FLOOR);
        }
    }
}
