package org.sparkdistill.core.nn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of {@link SavedPreActivationConvolution}: DL4J's convolution, whose training forward pass keeps its
 * pre-activation for the backward pass instead of computing it again there.
 *
 * <p>The backward pass is DL4J's on the kept pre-activation, except in a layer configured
 * {@link SavedPreActivationConvolution#withoutInputGradient()} with stride 1, no dilation, channels first and symmetric
 * padding. There the weight gradient is computed alone, as a convolution itself: {@code ∂W[o, c] = Σ_n x[n, c] ⋆ δ[n, o]}
 * is libnd4j's {@code conv2d} over the input with examples and channels swapped, whose kernels are the output gradients.
 * oneDNN's {@code conv2d_bp} would also compute the input gradient, and for one input channel it is slower than the
 * layer's forward pass many times over. The input gradient is then returned as zeros. When the input has changed since
 * the forward pass, or no training forward pass ran, the backward pass is DL4J's throughout. Not thread-safe, as DL4J's
 * layers are not.
 */
public class SavedPreActivationConvolutionLayer extends ConvolutionLayer {
    private final SavedPreActivation saved = new SavedPreActivation();

    /** A layer of {@code conf}, whose parameters DL4J sets afterwards. */
    public SavedPreActivationConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray kept = forBackprop ? saved.takeFor(input) : null;
        if (kept != null) {
            return new Pair<>(kept, null);
        }
        Pair<INDArray, INDArray> z = computePreOutput(training, forBackprop, workspaceMgr);
        if (training && !forBackprop) {
            // The activation may work in place, so the backward pass gets a copy.
            saved.keep(workspaceMgr.dup(ArrayType.ACTIVATIONS, z.getFirst()), input);
        }
        return z;
    }

    /** DL4J's pre-activation of the current input, computed. */
    protected Pair<INDArray, INDArray> computePreOutput(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        return super.preOutput(training, forBackprop, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        saved.forget();
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            int[] padding = weightGradientAlonePadding();
            INDArray kept = padding == null ? null : saved.takeFor(input);
            if (kept != null) {
                return weightGradientAlone(kept, epsilon, padding, workspaceMgr);
            }
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            saved.forget();
        }
    }

    /** The symmetric padding of a layer whose weight gradient is computed alone, or null where DL4J's pass runs. */
    private int[] weightGradientAlonePadding() {
        SavedPreActivationConvolution conf = (SavedPreActivationConvolution) layerConf();
        int[] kernel = conf.getKernelSize();
        boolean plain = !conf.computesInputGradient() && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getStride()[0] == 1 && conf.getStride()[1] == 1 && conf.getDilation()[0] == 1
                && conf.getDilation()[1] == 1 && maskArray == null;
        if (!plain) {
            return null;
        }
        if (convolutionMode == ConvolutionMode.Same) {
            return kernel[0] % 2 == 1 && kernel[1] % 2 == 1 ? new int[] {kernel[0] / 2, kernel[1] / 2} : null;
        }
        return convolutionMode == ConvolutionMode.Truncate || convolutionMode == ConvolutionMode.Strict
                ? conf.getPadding().clone() : null;
    }

    private Pair<Gradient, INDArray> weightGradientAlone(INDArray preActivation, INDArray epsilon, int[] padding,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray delta = layerConf().getActivationFn().backprop(preActivation, epsilon).getFirst();
        INDArray x = input.castTo(delta.dataType());
        long examples = x.size(0);
        long channels = x.size(1);
        long outputs = delta.size(1);
        INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        // Examples become channels and channels examples; the output gradients become the kernels.
        INDArray swapped = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(),
                new long[] {channels, examples, x.size(2), x.size(3)}, 'c').assign(x.permute(1, 0, 2, 3));
        INDArray kernels = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {outputs, examples, delta.size(2), delta.size(3)}, 'c').assign(delta.permute(1, 0, 2, 3));
        INDArray byChannel = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {channels, outputs, weightGradient.size(2), weightGradient.size(3)}, 'c');
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(swapped, kernels).addOutputs(byChannel)
                .addIntegerArguments((int) delta.size(2), (int) delta.size(3), 1, 1, padding[0], padding[1], 1, 1, 0, 0, 1)
                .build());
        weightGradient.assign(byChannel.permute(1, 0, 2, 3));
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGradient = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGradient.assign(delta.sum(0, 2, 3).reshape(biasGradient.shape()));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient, 'c');
        INDArray zeros = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, delta.dataType(), input.shape(), 'c');
        return new Pair<>(gradient, zeros);
    }

    @Override
    public void clear() {
        super.clear();
        saved.forget();
    }
}
