package org.sparkdistill.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Where the fused update would not compute what DL4J does, it is refused with a reason naming the cause. */
class FusedUpdateRefusalTest {

    /** A 8-5-3 network whose configuration {@code adjust} changes before the layers are added. */
    static MultiLayerNetwork network(UnaryOperator<NeuralNetConfiguration.Builder> adjust,
            DenseLayer hidden) {
        NeuralNetConfiguration.Builder builder = new NeuralNetConfiguration.Builder().seed(3L)
                .dataType(DataType.FLOAT).updater(new Adam(0.01)).weightInit(WeightInit.XAVIER);
        MultiLayerNetwork network = new MultiLayerNetwork(adjust.apply(builder).list()
                .layer(hidden)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        network.init();
        return network;
    }

    static DenseLayer.Builder hidden() {
        return new DenseLayer.Builder().nIn(8).nOut(5).activation(Activation.RELU);
    }

    static String refused(MultiLayerNetwork network) {
        Optional<String> reason = FusedUpdate.refusal(network);
        assertTrue(reason.isPresent(), "expected a refusal");
        assertTrue(FusedUpdate.of(network, 1).isEmpty(), "of(...) is empty exactly when there is a refusal");
        return reason.get();
    }

    static void assertMentions(String reason, String... parts) {
        for (String part : parts) {
            assertTrue(reason.contains(part), "reason '" + reason + "' should mention '" + part + "'");
        }
    }

    @Test
    void acceptsThePlainNetworkItIsComparedWith() {
        MultiLayerNetwork network = network(b -> b, hidden().build());
        assertEquals(Optional.empty(), FusedUpdate.refusal(network));
        FusedUpdate.of(network, 1).orElseThrow().close();
    }

    @Test
    void refusesTwoUpdatersOnDifferentLayers() {
        String reason = refused(network(b -> b, hidden().updater(new Sgd(0.1)).build()));
        assertMentions(reason, "2 blocks", "Sgd", "Adam", "layer 'layer0'", "layer 'layer1'", "one updater configuration");
    }

    @Test
    void refusesL2Regularization() {
        assertMentions(refused(network(b -> b.l2(1e-4), hidden().build())), "regularization", "L2Regularization",
                "parameter 'W' of layer 'layer0'");
    }

    @Test
    void refusesWeightDecay() {
        assertMentions(refused(network(b -> b.weightDecay(1e-4), hidden().build())), "regularization", "WeightDecay");
    }

    @Test
    void refusesGradientNormalization() {
        String reason = refused(network(b -> b.gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(1.0), hidden().build()));
        assertMentions(reason, "gradient normalization", "ClipElementWiseAbsoluteValue", "layer 'layer0'");
    }

    @Test
    void refusesConstraints() {
        assertMentions(refused(network(b -> b, hidden().constrainWeights(new MaxNormConstraint(1.0, 1)).build())),
                "constraints", "MaxNormConstraint");
    }

    @Test
    void refusesAnUpdaterItDoesNotImplement() {
        assertMentions(refused(network(b -> b.updater(new RmsProp(0.01)), hidden().build())), "RmsProp",
                "Adam, Sgd and Nesterovs");
    }

    @Test
    void refusesDoublePrecision() {
        assertMentions(refused(network(b -> b.dataType(DataType.DOUBLE), hidden().build())), "DOUBLE", "FLOAT");
    }

    @Test
    void refusesNoThreads() {
        MultiLayerNetwork network = network(b -> b, hidden().build());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FusedUpdate.of(network, 0));
        assertMentions(error.getMessage(), "threads = 0", ">= 1");
    }
}
