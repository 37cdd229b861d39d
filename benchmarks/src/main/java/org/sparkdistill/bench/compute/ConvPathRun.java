package org.sparkdistill.bench.compute;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.nn.NativeBackend;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.jobs.TeacherTraining;

/**
 * One contender of {@link ConvPathBench} in its own JVM: trains the quickstart CNN teacher for one epoch, then times
 * each layer's forward and backward pass on one batch; prints {@code key=value} lines.
 *
 * <p>Arguments: {@code builtin} (today's path: plain natives, DL4J's im2col layers, DL4J's updater) or {@code native}
 * (the natives {@link NativeBackend} chooses, DL4J's native helpers, and the trainer's fast path: convolution and dense
 * layers that keep their pre-activation, and the fused update), the Fashion-MNIST directory, the number of training
 * images.
 */
public final class ConvPathRun {
    private static final int BATCH = 64;
    private static final int LAYER_REPEATS = 20;

    private ConvPathRun() {}

    public static void main(String[] args) throws Exception {
        String contender = args[0];
        switch (contender) {
            case "builtin" -> {
                System.setProperty(NativeBackend.EXTENSION_PROPERTY, NativeBackend.PLAIN);
                System.setProperty(NativeBackend.HELPERS_DISABLE_PROPERTY, "true");
            }
            case "native" -> NativeBackend.select();
            default -> throw new IllegalArgumentException("contender is " + contender + "; valid: builtin, native");
        }
        Examples train = FashionMnist.train(Path.of(args[1])).head(Integer.parseInt(args[2]));
        Examples test = FashionMnist.test(Path.of(args[1])).head(1000);
        System.out.println("natives=" + NativeBackend.describe());

        ComputePath path = contender.equals("builtin") ? ComputePath.DL4J : ComputePath.FAST_WHERE_EXACT;
        Path model = Files.createTempFile("conv-path-teacher", ".zip");
        try {
            long started = System.nanoTime();
            TeacherTraining.Trained trained = TeacherTraining.train(train, test,
                    new TeacherTraining.Recipe(1, BATCH, 42L, 0.001), model, path);
            System.out.printf(Locale.ROOT, "epochSeconds=%.3f%naccuracy=%.4f%n", (System.nanoTime() - started) / 1e9, trained.accuracy());
        } finally {
            Files.deleteIfExists(model);
        }
        printLayerTimes(path);
    }

    /**
     * Times each hidden layer of a fresh quickstart CNN, forward and backward, on one batch of random images, with the
     * layers {@code path} trains with.
     */
    private static void printLayerTimes(ComputePath path) {
        MultiLayerConfiguration conf = Networks.cnn(28, 28, 10, new Adam(1e-3), 42L).getLayerWiseConfigurations()
                .clone();
        path.configure(conf);
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        Nd4j.getRandom().setSeed(42L);
        INDArray images = Nd4j.rand(DataType.FLOAT, BATCH, 784);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, i % 10, 1f);
        }
        network.setInput(images);
        network.setLabels(labels);
        network.computeGradientAndScore();
        List<INDArray> activations = network.feedForward(images, true);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        Layer[] layers = network.getLayers();
        for (int i = 0; i < layers.length - 1; i++) {
            INDArray input = activations.get(i);
            INDArray layerInput = i == 0 ? input.reshape('c', BATCH, 1, 28, 28) : input;
            if (layers[i].type() == Layer.Type.FEED_FORWARD && input.rank() == 4) {
                layerInput = input.reshape('c', BATCH, input.length() / BATCH);
            }
            long forward = 0;
            long backward = 0;
            for (int r = -5; r < LAYER_REPEATS; r++) {
                layers[i].setInput(layerInput, workspaces);
                long t0 = System.nanoTime();
                INDArray out = layers[i].activate(true, workspaces);
                long t1 = System.nanoTime();
                layers[i].backpropGradient(out.dup(), workspaces);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    forward += t1 - t0;
                    backward += t2 - t1;
                }
            }
            System.out.printf(Locale.ROOT, "layer.%d=%.3f,%.3f%nlayerType.%d=%s%n", i, forward / 1e6 / LAYER_REPEATS,
                    backward / 1e6 / LAYER_REPEATS, i, layers[i].getClass().getSimpleName());
        }
    }
}
