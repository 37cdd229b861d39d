package org.sparkdistill.core.objective;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.loss.SoftTargetLoss;
import org.sparkdistill.core.loss.WeightedLoss;

/**
 * A head on one peer's logits that learns the mean distribution of other models at {@code temperature}: the other peers
 * in the training graph (see {@link MutualLearning}) or the other groups' stale copies (see {@link Codistillation}).
 *
 * @param name the head's name
 * @param peer the prefix of the peer the head belongs to, whose targets it reads
 * @param weight the term's weight
 * @param temperature the temperature of both the targets and the peer's distribution
 * @param source where the targets come from
 */
record PeerHead(String name, String peer, double weight, double temperature, Source source) implements ObjectiveHead {

    /** Where a peer head's targets come from. */
    enum Source {
        /** The training graph's other peers, from an inference pass just before the step. */
        GRAPH_PEERS,
        /** Copies of the other groups' students, which the trainer supplies; none before the first exchange. */
        OTHER_GROUPS
    }

    /**
     * Checks an objective's weight and temperature.
     *
     * @throws InvalidInputException naming the objective and the value when the weight is negative or not finite, or
     *     the temperature not positive and finite
     */
    static void requireValid(String objective, double weight, double temperature) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidInputException("objective " + objective + ": weight = " + weight
                    + " must be finite and >= 0");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("objective " + objective + ": temperature = " + temperature
                    + " must be finite and > 0");
        }
    }

    @Override
    public void addTo(ComputationGraphConfiguration.GraphBuilder graph, StudentGraph student) {
        graph.addLayer(name, new LossLayer.Builder().activation(Activation.IDENTITY)
                .lossFunction(new WeightedLoss(weight, new SoftTargetLoss(temperature))).build(), student.logits());
    }

    @Override
    public ILossFunction loss(BatchSignals batch) {
        return new WeightedLoss(waiting(batch) ? 0 : weight, new SoftTargetLoss(temperature));
    }

    @Override
    public INDArray labels(BatchSignals batch) {
        // Until the first exchange the term weighs nothing, and the labels stand in for the targets.
        return waiting(batch) ? batch.labels() : batch.peerTargets(peer);
    }

    /** Whether the head waits for the other groups' first copies. */
    private boolean waiting(BatchSignals batch) {
        return source == Source.OTHER_GROUPS && !batch.peerTargets().containsKey(peer);
    }

    @Override
    public boolean readsLogits() {
        return true;
    }
}
