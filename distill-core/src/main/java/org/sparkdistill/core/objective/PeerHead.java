package org.sparkdistill.core.objective;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.sparkdistill.core.loss.SoftTargetLoss;
import org.sparkdistill.core.loss.WeightedLoss;

/**
 * A head on one peer's logits that learns the other peers' mean distribution at {@code temperature} (see
 * {@link MutualLearning}).
 *
 * @param name the head's name
 * @param peer the prefix of the peer the head belongs to, whose targets it reads
 * @param weight the term's weight
 * @param temperature the temperature of both the targets and the peer's distribution
 */
record PeerHead(String name, String peer, double weight, double temperature) implements ObjectiveHead {

    @Override
    public void addTo(ComputationGraphConfiguration.GraphBuilder graph, StudentGraph student) {
        graph.addLayer(name, new LossLayer.Builder().activation(Activation.IDENTITY)
                .lossFunction(new WeightedLoss(weight, new SoftTargetLoss(temperature))).build(), student.logits());
    }

    @Override
    public ILossFunction loss(BatchSignals batch) {
        return new WeightedLoss(weight, new SoftTargetLoss(temperature));
    }

    @Override
    public INDArray labels(BatchSignals batch) {
        return batch.peerTargets(peer);
    }

    @Override
    public boolean readsLogits() {
        return true;
    }
}
