package org.sparkdistill.core.optim;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.stepfunctions.NegativeDefaultStepFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Decides whether the fused update computes exactly what DL4J's updater and step function would for a network.
 *
 * <p>It does when the network is a {@link MultiLayerNetwork} or {@link ComputationGraph} with float parameters,
 * trained by plain stochastic gradient descent with DL4J's default step function and standard backpropagation, and
 * its updater has a single block: one Adam, SGD or Nesterovs configuration (schedules included) for every parameter,
 * no regularization, gradient normalization or constraints, and every gradient divided by the minibatch size.
 */
final class FusionCheck {
    private FusionCheck() {}

    /** What the check found: the rule and whether gradients are divided by the minibatch size, or the refusal. */
    record Verdict(UpdateRule rule, boolean divideByMinibatch, String refusal) {
        static Verdict refused(String reason) {
            return new Verdict(null, false, reason);
        }

        boolean fusable() {
            return refusal == null;
        }
    }

    static Verdict of(Model network) {
        BaseMultiLayerUpdater<?> updater;
        BackpropType backprop;
        if (network instanceof MultiLayerNetwork multiLayer) {
            updater = (BaseMultiLayerUpdater<?>) multiLayer.getUpdater();
            backprop = multiLayer.getLayerWiseConfigurations().getBackpropType();
        } else if (network instanceof ComputationGraph graph) {
            updater = graph.getUpdater();
            backprop = graph.getConfiguration().getBackpropType();
        } else {
            return Verdict.refused("the network is a " + network.getClass().getName()
                    + "; the fused update takes a MultiLayerNetwork or a ComputationGraph");
        }
        DataType type = network.params().dataType();
        if (type != DataType.FLOAT) {
            return Verdict.refused("the parameters are " + type + "; the fused update computes in FLOAT only");
        }
        NeuralNetConfiguration conf = network.conf();
        if (conf.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
            return Verdict.refused("the optimization algorithm is " + conf.getOptimizationAlgo()
                    + "; the fused update replaces STOCHASTIC_GRADIENT_DESCENT only");
        }
        if (conf.getStepFunction() != null && !(conf.getStepFunction() instanceof NegativeDefaultStepFunction)) {
            return Verdict.refused("the step function is " + conf.getStepFunction().getClass().getSimpleName()
                    + "; the fused update implements NegativeDefaultStepFunction (params -= update) only");
        }
        if (backprop != BackpropType.Standard) {
            return Verdict.refused("backpropagation is " + backprop + "; the fused update supports Standard only");
        }
        if (updater == null || updater.getUpdaterBlocks().isEmpty()) {
            return Verdict.refused("the network has no trainable parameters");
        }
        return ofBlocks(updater.getUpdaterBlocks(), network.numParams(), conf.isMiniBatch());
    }

    private static Verdict ofBlocks(List<UpdaterBlock> blocks, long numParams, boolean miniBatch) {
        UpdaterBlock block = blocks.get(0);
        if (blocks.size() > 1) {
            UpdaterBlock.ParamState first = block.getLayersAndVariablesInBlock().get(0);
            UpdaterBlock.ParamState other = blocks.get(1).getLayersAndVariablesInBlock().get(0);
            return Verdict.refused("the network's updater has " + blocks.size() + " blocks: " + describe(first)
                    + " uses " + updaterOf(first) + " but " + describe(other) + " uses " + updaterOf(other)
                    + "; the fused update needs one updater configuration for every parameter");
        }
        if (block.getParamOffsetStart() != 0 || block.getParamOffsetEnd() != numParams) {
            return Verdict.refused("the updater block covers parameters [" + block.getParamOffsetStart() + ", "
                    + block.getParamOffsetEnd() + ") of " + numParams + "; the fused update needs all of them");
        }
        if (block.isPretrainUpdaterBlock()) {
            return Verdict.refused("the updater block holds pretraining parameters, which DL4J skips in supervised "
                    + "training");
        }
        for (UpdaterBlock.ParamState param : block.getLayersAndVariablesInBlock()) {
            String problem = unsupported(param);
            if (problem != null) {
                return Verdict.refused(describe(param) + " " + problem);
            }
        }
        IUpdater config = updaterOf(block.getLayersAndVariablesInBlock().get(0));
        UpdateRule rule = ruleFor(config);
        if (rule == null) {
            return Verdict.refused("the updater is " + config.getClass().getSimpleName()
                    + "; the fused update implements Adam, Sgd and Nesterovs");
        }
        return new Verdict(rule, miniBatch, null);
    }

    /** What about this parameter the fused update does not implement, or null when nothing. */
    private static String unsupported(UpdaterBlock.ParamState param) {
        Trainable layer = param.getLayer();
        TrainingConfig config = layer.getConfig();
        String name = param.getParamName();
        List<Regularization> regularization = config.getRegularizationByParam(name);
        if (regularization != null && !regularization.isEmpty()) {
            return "has regularization " + regularization + "; the fused update implements none";
        }
        GradientNormalization normalization = config.getGradientNormalization();
        if (normalization != null && normalization != GradientNormalization.None) {
            return "has gradient normalization " + normalization + "; the fused update implements None only";
        }
        if (config instanceof Layer layerConfig && layerConfig.getConstraints() != null
                && !layerConfig.getConstraints().isEmpty()) {
            return "has constraints " + layerConfig.getConstraints() + "; the fused update implements none";
        }
        if (!layer.updaterDivideByMinibatch(name)) {
            return "is not divided by the minibatch size in DL4J (an estimate, not a gradient); the fused update "
                    + "divides every parameter's gradient";
        }
        return null;
    }

    /** The rule for exactly these updater classes (a subclass may change the update), or null. */
    private static UpdateRule ruleFor(IUpdater config) {
        if (config.getClass() == Adam.class) {
            return new AdamRule((Adam) config);
        }
        if (config.getClass() == Sgd.class) {
            return new SgdRule((Sgd) config);
        }
        if (config.getClass() == Nesterovs.class) {
            return new NesterovsRule((Nesterovs) config);
        }
        return null;
    }

    private static IUpdater updaterOf(UpdaterBlock.ParamState param) {
        return param.getLayer().getConfig().getUpdaterByParam(param.getParamName());
    }

    private static String describe(UpdaterBlock.ParamState param) {
        return "parameter '" + param.getParamName() + "' of layer '" + param.getLayer().getConfig().getLayerName()
                + "'";
    }
}
