package org.sparkdistill.bench.optim;

import java.util.Locale;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.optim.FusedUpdate;

/**
 * How far the fused update lands from DL4J's after one step from equal networks and the same gradient.
 *
 * @param parameterDifference the largest absolute difference of a parameter
 * @param stateDifference the largest absolute difference of an updater state element
 * @param differingElements how many parameters and state elements differ at all
 */
record Agreement(double parameterDifference, double stateDifference, long differingElements) {

    /** Steps both networks once, at iteration 0, and compares them; both must hold {@code gradient} on entry. */
    static Agreement afterOneStep(MultiLayerNetwork dl4jNetwork, MultiLayerNetwork fusedNetwork, Gradient gradient,
            INDArray saved, int batchSize) {
        fusedNetwork.getGradientsViewArray().assign(saved);
        try (FusedUpdate fused = FusedUpdate.of(fusedNetwork, 1).orElseThrow()) {
            fused.apply(0, 0, batchSize);
        }
        dl4jNetwork.getGradientsViewArray().assign(saved);
        new Dl4jUpdate(dl4jNetwork).apply(gradient, 0, batchSize);
        INDArray dl4jState = dl4jNetwork.getUpdater().getStateViewArray();
        INDArray fusedState = fusedNetwork.getUpdater().getStateViewArray();
        INDArray paramGap = dl4jNetwork.params().sub(fusedNetwork.params());
        INDArray stateGap = dl4jState.sub(fusedState);
        long differing = paramGap.neq(0).castTo(DataType.INT64).sumNumber().longValue()
                + stateGap.neq(0).castTo(DataType.INT64).sumNumber().longValue();
        return new Agreement(paramGap.amaxNumber().doubleValue(), stateGap.amaxNumber().doubleValue(), differing);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "largest parameter difference %.3g, largest state difference %.3g, "
                + "%d elements differ", parameterDifference, stateDifference, differingElements);
    }
}
