package org.sparkdistill.core.nn;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of {@link SavedPreActivationDense}: DL4J's dense layer, whose training forward pass keeps its
 * pre-activation {@code z = x·W + b} for the backward pass instead of computing it again there, and whose matrix
 * products write row-major results.
 *
 * <p>The backward pass is then two matrix products, {@code ∂W = xᵀ·δ} (computed as {@code (∂W)ᵀ = δᵀ·x} into the
 * transposed, row-major view of DL4J's column-major gradient) and {@code ∂x = δ·Wᵀ}, as in reverse-mode automatic
 * differentiation's usual tape. Row-major results halve the time of OpenBLAS's products against DL4J's column-major
 * ones on this layer's shapes; the bias gradient is a product with a column of ones. The kept {@code z} lives in the
 * workspace of the step's activations, as the layer's input does, and serves the backward pass of the same forward pass
 * only: when the input has changed since, or no training forward pass ran, the backward pass is DL4J's. Not
 * thread-safe, as DL4J's layers are not.
 */
public class SavedPreActivationDenseLayer extends DenseLayer {
    private final SavedPreActivation saved = new SavedPreActivation();

    /** A layer of {@code conf}, whose parameters DL4J sets afterwards. */
    public SavedPreActivationDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY);
        requireMatrixInput(weights.size(0));
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(),
                new long[] {input.size(0), weights.size(1)}, 'c');
        Nd4j.gemm(input.castTo(weights.dataType()), weights, z, false, false, 1.0, 0.0);
        if (hasBias()) {
            INDArray bias = getParam(DefaultParamInitializer.BIAS_KEY);
            Nd4j.getExecutioner().exec(new BroadcastAddOp(z, bias.reshape(bias.length()), z, 1));
        }
        if (maskArray != null) {
            applyMask(z);
        }
        return new Pair<>(z, z);
    }

    private void requireMatrixInput(long width) {
        if (input.rank() != 2) {
            throw new DL4JInvalidInputException("dense layer " + layerId() + " takes a matrix [examples, " + width
                    + "], got an input of rank " + input.rank() + " and shape " + Arrays.toString(input.shape()));
        }
        if (input.size(1) != width) {
            throw new DL4JInvalidInputException("dense layer " + layerId() + " takes " + width + " values per example, "
                    + "got an input of shape " + Arrays.toString(input.shape()));
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        saved.forget();
        if (!training) {
            return super.activate(false, workspaceMgr);
        }
        INDArray z = preOutput(true, workspaceMgr);
        // The activation function may work in place, so the backward pass gets a copy.
        saved.keep(workspaceMgr.dup(ArrayType.ACTIVATIONS, z), input);
        INDArray activation = layerConf().getActivationFn().getActivation(z, true);
        if (maskArray != null) {
            applyMask(activation);
        }
        return activation;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = saved.takeFor(input);
        if (z == null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        if (maskArray != null) {
            applyMask(delta);
        }
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray ones = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {delta.size(0), 1}, 'c').assign(1);
            INDArray columnSums = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {1, delta.size(1)}, 'c');
            Nd4j.gemm(ones, delta, columnSums, true, false, 1.0, 0.0);
            INDArray biasGradient = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            biasGradient.assign(columnSums.reshape(biasGradient.shape()));
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradient);
        }
        INDArray weights = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(delta, input.castTo(weightGradient.dataType()), weightGradient.transpose(), true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);
        INDArray inputGradient;
        if (((SavedPreActivationDense) layerConf()).computesInputGradient()) {
            inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {delta.size(0), weights.size(0)}, 'c');
            Nd4j.gemm(delta, weights, inputGradient, false, true, 1.0, 0.0);
        } else {
            inputGradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {delta.size(0), weights.size(0)}, 'c');
        }
        return new Pair<>(gradient, backpropDropOutIfPresent(inputGradient));
    }

    @Override
    public void clear() {
        super.clear();
        saved.forget();
    }
}
