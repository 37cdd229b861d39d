package org.sparkdistill.bench.teachers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherLoader;
import org.sparkdistill.core.train.Networks;

/**
 * The Fashion-MNIST CNN fixture as a DL4J model zip: the project's own {@link Networks#cnn} holding the weights of
 * {@code fashion-mnist-cnn.h5}, which are those of {@code fashion-mnist-cnn.onnx}, so that a DL4J teacher and an ONNX
 * teacher compute the same function.
 *
 * <p>The Keras model is imported by DL4J and its parameters copied layer by layer into a network that takes flat
 * {@code [C, H, W]} rows. Two layouts differ: a convolution kernel is copied as DL4J's {@code [out, in, kh, kw]}
 * (permuted if the import kept Keras's {@code [kh, kw, in, out]}), and the rows of the first dense kernel, which in
 * the Keras model follow its H, W, C flatten order, are permuted to the C, H, W order in which {@link Networks#cnn}
 * flattens its last pooling layer. The copy is then checked against the ONNX teacher before it is written.
 */
final class CnnTeacherZip {
    static final int SIDE = 28;
    static final int CLASSES = 10;
    /** The test images the copy is checked on: those the fixtures' reference outputs are for. */
    static final int CHECK_ROWS = 64;
    /** The largest difference allowed between the two teachers' class probabilities on those images. */
    static final double TOLERANCE = 1e-4;

    private CnnTeacherZip() {}

    /**
     * What was written and how closely it matched the ONNX teacher.
     *
     * @param maxProbabilityDifference the largest |p_DL4J − softmax(logits_ONNX)| over the checked rows and classes
     * @param sameClass how many of the checked rows both teachers put in the same class
     */
    record Written(Path zip, int rowsChecked, double maxProbabilityDifference, int sameClass) {}

    /**
     * Builds the DL4J copy of {@code keras}, checks it against {@code onnx} on the first {@value #CHECK_ROWS} rows of
     * {@code test}, and writes it to {@code zip} without an updater.
     *
     * @throws IllegalStateException when a layer's parameters do not fit or the two teachers disagree beyond
     *     {@value #TOLERANCE}; nothing is written then
     */
    static Written write(Path keras, Path onnx, Examples test, Path zip) throws IOException {
        MultiLayerNetwork imported = importKeras(keras);
        MultiLayerNetwork network = Networks.cnn(SIDE, SIDE, CLASSES, new Adam(1e-3), 0L);
        try {
            copyParameters(imported, network);
            Examples rows = test.head(CHECK_ROWS);
            INDArray features = Nd4j.create(rows.features(), new long[] {rows.size(), rows.featureCount()}, 'c')
                    .castTo(DataType.FLOAT);
            INDArray dl4j = network.output(features, false);
            INDArray reference;
            try (Teacher teacher = TeacherLoader.load(onnx, onnx.getFileName().toString(), onnx.toString(),
                    TeacherDescription.DETECTED, new long[] {1, SIDE, SIDE}, 1)) {
                reference = Transforms.softmax(teacher.logits(features).castTo(DataType.FLOAT), true);
            }
            double difference = Transforms.abs(dl4j.sub(reference)).maxNumber().doubleValue();
            int sameClass = (int) dl4j.argMax(1).eq(reference.argMax(1)).castTo(DataType.INT).sumNumber().longValue();
            if (!(difference <= TOLERANCE)) {
                throw new IllegalStateException("the DL4J copy of " + keras + " gives class probabilities up to "
                        + difference + " away from " + onnx + "'s on the first " + rows.size() + " test images"
                        + " (allowed: " + TOLERANCE + "); not writing " + zip);
            }
            ModelSerializer.writeModel(network, zip.toFile(), false);
            return new Written(zip, rows.size(), difference, sameClass);
        } finally {
            NetworkMemory.release(imported);
            NetworkMemory.release(network);
        }
    }

    private static MultiLayerNetwork importKeras(Path keras) throws IOException {
        try {
            return KerasModelImport.importKerasSequentialModelAndWeights(keras.toString(), false);
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new IOException("DL4J cannot import " + keras + ": " + e.getMessage(), e);
        }
    }

    /** Copies the parameters of the imported layers, in order, into the layers of {@code target} that have some. */
    static void copyParameters(MultiLayerNetwork source, MultiLayerNetwork target) {
        List<Layer> from = withParameters(source);
        List<Layer> to = withParameters(target);
        if (from.size() != to.size()) {
            throw new IllegalStateException("the imported model has " + from.size() + " layers with parameters,"
                    + " Networks.cnn has " + to.size());
        }
        boolean firstDense = true;
        long channels = 0;
        for (int i = 0; i < to.size(); i++) {
            Layer layer = to.get(i);
            INDArray weights = from.get(i).getParam("W").castTo(DataType.FLOAT);
            INDArray bias = from.get(i).getParam("b").castTo(DataType.FLOAT);
            long[] wanted = layer.getParam("W").shape();
            if (wanted.length == 4) {
                weights = convolutionKernel(weights, wanted);
                channels = wanted[0];
            } else if (firstDense) {
                weights = denseRowsInChannelOrder(weights, wanted, (int) channels);
                firstDense = false;
            }
            set(layer, "W", weights, i);
            set(layer, "b", bias, i);
        }
    }

    /** A kernel as {@code [out, in, kh, kw]}, from that layout or Keras's {@code [kh, kw, in, out]}. */
    private static INDArray convolutionKernel(INDArray kernel, long[] wanted) {
        if (Arrays.equals(kernel.shape(), wanted)) {
            return kernel;
        }
        INDArray permuted = kernel.permute(3, 2, 0, 1);
        if (!Arrays.equals(permuted.shape(), wanted)) {
            throw new IllegalStateException("imported convolution kernel of shape " + Arrays.toString(kernel.shape())
                    + " is neither " + Arrays.toString(wanted) + " nor its [kh, kw, in, out] form");
        }
        return permuted.dup('c');
    }

    /**
     * The first dense kernel with its rows moved from the H, W, C order of a flattened NHWC activation to the C, H, W
     * order of a flattened NCHW one. The last pooling layer's output is square: its side is √(rows / channels), where
     * {@code channels} is the last convolution's output count.
     */
    private static INDArray denseRowsInChannelOrder(INDArray kernel, long[] wanted, int channels) {
        if (!Arrays.equals(kernel.shape(), wanted)) {
            throw new IllegalStateException("imported dense kernel of shape " + Arrays.toString(kernel.shape())
                    + ", Networks.cnn wants " + Arrays.toString(wanted));
        }
        int rows = (int) kernel.rows();
        int side = (int) Math.round(Math.sqrt(rows / (double) channels));
        if (side * side * channels != rows) {
            throw new IllegalStateException("dense kernel with " + rows + " rows does not follow a square map of "
                    + channels + " channels");
        }
        int[] order = new int[rows];
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < side; h++) {
                for (int w = 0; w < side; w++) {
                    order[(c * side + h) * side + w] = (h * side + w) * channels + c;
                }
            }
        }
        return kernel.getRows(order).dup('c');
    }

    private static void set(Layer layer, String key, INDArray value, int index) {
        INDArray param = layer.getParam(key);
        if (param.length() != value.length()) {
            throw new IllegalStateException("layer " + index + " parameter " + key + ": imported "
                    + Arrays.toString(value.shape()) + ", Networks.cnn has " + Arrays.toString(param.shape()));
        }
        param.assign(value.reshape('c', param.shape()));
    }

    private static List<Layer> withParameters(MultiLayerNetwork network) {
        List<Layer> layers = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (layer.numParams() > 0) {
                layers.add(layer);
            }
        }
        return layers;
    }
}
