package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.sparkdistill.core.train.ObservedStudents.Student;
import org.sparkdistill.gradients.partition.GradientLayout;

/** Per-layer gradient-ready events from DL4J's backward pass: order, timing against the flat gradient, layout, and no side effects. */
class BackwardObserverTest {
    private static final int STEPS = 3;

    /** Records every event with a copy of the whole flat gradient at that moment, and the gradient each step ends with. */
    private static final class Recorder extends BaseTrainingListener implements BackwardListener {
        final List<String> events = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<float[]> atEvent = new ArrayList<>();
        final List<float[]> atEndOfBackward = new ArrayList<>();
        INDArray flat;
        GradientLayout layout;

        @Override
        public void backwardStarted(long nanoTime) {
            record("started", nanoTime);
        }

        @Override
        public void layerReady(int k, long nanoTime) {
            record("ready " + k, nanoTime);
        }

        private void record(String event, long nanoTime) {
            events.add(event);
            times.add(nanoTime);
            if (flat != null) {
                atEvent.add(flat.toFloatVector());
            }
        }

        /** DL4J calls this after the backward pass and before the updater turns the gradient into an update. */
        @Override
        public void onGradientCalculation(Model model) {
            atEndOfBackward.add(flat.toFloatVector());
        }
    }

    /** Trains a student of {@code kind} for {@link #STEPS} steps with a recorder attached, and returns the recorder. */
    private static Recorder trainObserved(String kind) {
        Student student = ObservedStudents.of(kind);
        Recorder recorder = new Recorder();
        try (BackwardObserver observer = BackwardObserver.attach(student.model(), recorder)) {
            recorder.flat = observer.flatGradient();
            recorder.layout = observer.layout();
            student.model().addListeners(recorder);
            for (int step = 0; step < STEPS; step++) {
                student.fit(step);
            }
        }
        return recorder;
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.MLP, ObservedStudents.CNN, ObservedStudents.CHAIN, ObservedStudents.TWO_OUTPUTS})
    void eventsComeInBackwardOrderOncePerStep(String kind) {
        Recorder recorder = trainObserved(kind);
        List<String> expected = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            expected.add("started");
            for (int k = 0; k < recorder.layout.layers(); k++) {
                expected.add("ready " + k);
            }
        }
        assertEquals(expected, recorder.events);
        for (int i = 1; i < recorder.times.size(); i++) {
            assertTrue(recorder.times.get(i) >= recorder.times.get(i - 1), "event " + i + " is timed before event " + (i - 1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.MLP, ObservedStudents.CNN, ObservedStudents.CHAIN, ObservedStudents.TWO_OUTPUTS})
    void aLayerHoldsItsFinalGradientWhenReportedReadyAndNotBefore(String kind) {
        Recorder recorder = trainObserved(kind);
        GradientLayout layout = recorder.layout;
        int eventsPerStep = layout.layers() + 1;
        assertEquals(STEPS * eventsPerStep, recorder.atEvent.size());
        assertEquals(STEPS, recorder.atEndOfBackward.size());
        for (int step = 0; step < STEPS; step++) {
            float[] end = recorder.atEndOfBackward.get(step);
            for (int event = 0; event < eventsPerStep; event++) {
                float[] then = recorder.atEvent.get(step * eventsPerStep + event);
                // Event 0 is backwardStarted, event k + 1 is layerReady(k): layers 0..k are final, the others not yet.
                for (int layer = 0; layer < layout.layers(); layer++) {
                    if (layout.length(layer) == 0) {
                        continue;
                    }
                    boolean same = Arrays.equals(range(then, layout, layer), range(end, layout, layer));
                    String where = kind + ", step " + step + ", event " + recorder.events.get(step * eventsPerStep + event)
                            + ", layer " + layer;
                    if (layer < event) {
                        assertTrue(same, where + " should already hold its final gradient");
                    } else {
                        assertFalse(same, where + " should not hold its final gradient yet");
                    }
                }
            }
        }
    }

    private static float[] range(float[] flat, GradientLayout layout, int k) {
        int from = Math.toIntExact(layout.offset(k));
        return Arrays.copyOfRange(flat, from, from + Math.toIntExact(layout.length(k)));
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.MLP, ObservedStudents.CNN})
    void theLayoutOfAMultiLayerNetworkIsItsLayersFromLastToFirst(String kind) {
        MultiLayerNetwork network = (MultiLayerNetwork) ObservedStudents.of(kind).model();
        Layer[] layers = network.getLayers().clone();
        try (BackwardObserver observer = BackwardObserver.attach(network, new Recorder())) {
            GradientLayout layout = observer.layout();
            assertEquals(layers.length, layout.layers());
            long offset = 0;
            for (int i = 0; i < layers.length; i++) {
                int k = layers.length - 1 - i;
                assertEquals(parameterCount(layers[i]), layout.length(k), "length of layer " + i);
                assertEquals(offset, layout.offset(k), "offset of layer " + i);
                offset += parameterCount(layers[i]);
            }
            assertEquals(network.numParams(), layout.totalLength());
            assertEquals(4, layout.bytesPerElement());
            assertViewsAreTheLayoutsRanges(observer, reversed(Arrays.asList(layers)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.CHAIN, ObservedStudents.TWO_OUTPUTS})
    void theLayoutOfAComputationGraphIsItsLayersInReverseTopologicalOrder(String kind) {
        ComputationGraph graph = (ComputationGraph) ObservedStudents.of(kind).model();
        List<Layer> forward = new ArrayList<>();
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex vertex = graph.getVertices()[index];
            if (vertex.hasLayer()) {
                forward.add(vertex.getLayer());
            }
        }
        try (BackwardObserver observer = BackwardObserver.attach(graph, new Recorder())) {
            GradientLayout layout = observer.layout();
            assertEquals(forward.size(), layout.layers());
            long offset = 0;
            for (int i = 0; i < forward.size(); i++) {
                int k = forward.size() - 1 - i;
                assertEquals(parameterCount(forward.get(i)), layout.length(k), "length of " + forward.get(i).conf().getLayer().getLayerName());
                assertEquals(offset, layout.offset(k), "offset of " + forward.get(i).conf().getLayer().getLayerName());
                offset += parameterCount(forward.get(i));
            }
            assertEquals(graph.numParams(), layout.totalLength());
            assertViewsAreTheLayoutsRanges(observer, reversed(forward));
        }
    }

    private static List<Layer> reversed(List<Layer> layers) {
        List<Layer> reversed = new ArrayList<>(layers);
        Collections.reverse(reversed);
        return reversed;
    }

    private static long parameterCount(Layer layer) {
        return layer.paramTable().values().stream().mapToLong(INDArray::length).sum();
    }

    /** Numbers the flat gradient's elements, then reads back where each layer's own gradient view starts and ends. */
    private static void assertViewsAreTheLayoutsRanges(BackwardObserver observer, List<Layer> backward) {
        INDArray flat = observer.flatGradient();
        float[] positions = new float[Math.toIntExact(flat.length())];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        flat.assign(Nd4j.create(positions, flat.shape(), DataType.FLOAT));
        GradientLayout layout = observer.layout();
        for (int k = 0; k < backward.size(); k++) {
            INDArray view = backward.get(k).getGradientsViewArray();
            if (layout.length(k) == 0) {
                assertTrue(view == null || view.length() == 0, "layer " + k + " has a gradient but the layout gives it none");
                continue;
            }
            assertEquals(layout.length(k), view.length(), "length of layer " + k);
            assertEquals(layout.offset(k), view.getDouble(0), "first element of layer " + k);
            assertEquals(layout.offset(k) + layout.length(k) - 1, view.getDouble(view.length() - 1), "last element of layer " + k);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.MLP, ObservedStudents.CNN, ObservedStudents.CHAIN, ObservedStudents.TWO_OUTPUTS})
    void trainingWhileObservedTakesExactlyTheSameSteps(String kind) {
        Student plain = ObservedStudents.of(kind);
        Student observed = ObservedStudents.of(kind);
        assertArrayEquals(plain.model().params().toFloatVector(), observed.model().params().toFloatVector());
        try (BackwardObserver observer = BackwardObserver.attach(observed.model(), new Recorder())) {
            for (int step = 0; step < 4; step++) {
                plain.fit(step);
                observed.fit(step);
            }
        }
        assertArrayEquals(plain.model().params().toFloatVector(), observed.model().params().toFloatVector());
        assertArrayEquals(plain.updaterState().toFloatVector(), observed.updaterState().toFloatVector());
    }

    @ParameterizedTest
    @ValueSource(strings = {ObservedStudents.CNN, ObservedStudents.CHAIN})
    void closingPutsTheOriginalLayersBackAndTheStudentStillSavesAndLoads(String kind) throws IOException {
        Student student = ObservedStudents.of(kind);
        Layer[] array = student.layerArray();
        List<Layer> originals = student.layersInPlace();
        BackwardObserver observer = BackwardObserver.attach(student.model(), new Recorder());
        for (Layer layer : student.layersInPlace()) {
            assertInstanceOf(ObservedLayer.class, layer);
        }
        assertTrue(student.layersInPlace().stream().anyMatch(ObservedOutputLayer.class::isInstance), "no wrapper is an output layer");
        student.fit(0);
        observer.close();
        observer.close();

        assertTrue(array == student.layerArray(), "the student's layer array is not the original one");
        assertOriginals(originals, student.layersInPlace());
        student.fit(1);
        Model restored = student.reload(written(student.model()));
        assertEquals(student.configurationJson(), ObservedStudents.configurationJson(restored));
        assertArrayEquals(student.model().params().toFloatVector(), restored.params().toFloatVector());
        assertArrayEquals(student.updaterState().toFloatVector(), ObservedStudents.updaterState(restored).toFloatVector());
    }

    /** Compares by identity, with a short message: DL4J layers print their whole configuration. */
    private static void assertOriginals(List<Layer> originals, List<Layer> now) {
        assertEquals(originals.size(), now.size());
        for (int i = 0; i < originals.size(); i++) {
            assertTrue(originals.get(i) == now.get(i), "layer " + i + " is " + now.get(i).getClass().getSimpleName()
                    + ", not the original");
        }
    }

    private static byte[] written(Model model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(model, bytes, true);
        return bytes.toByteArray();
    }

    @Test
    void aNetworkWrittenWhileObservedLoadsAsAPlainNetworkAndContinuesTheSameTrajectory() throws IOException {
        Student student = ObservedStudents.of(ObservedStudents.MLP);
        MultiLayerNetwork network = (MultiLayerNetwork) student.model();
        try (BackwardObserver observer = BackwardObserver.attach(network, new Recorder())) {
            student.fit(0);
            student.fit(1);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(written(network)), true);
            for (Layer layer : restored.getLayers()) {
                assertFalse(layer instanceof ObservedLayer, "the restored network holds an observer's wrapper");
            }
            assertArrayEquals(network.params().toFloatVector(), restored.params().toFloatVector());
            for (int step = 2; step < 4; step++) {
                student.fit(step);
                restored.fit(ObservedStudents.batch(step, ObservedStudents.FEATURES));
            }
            assertArrayEquals(network.params().toFloatVector(), restored.params().toFloatVector());
        }
    }

    @Test
    void networksSetLossReachesTheOutputLayerWhileObserved() {
        Student student = ObservedStudents.of(ObservedStudents.MLP);
        MultiLayerNetwork network = (MultiLayerNetwork) student.model();
        BaseOutputLayer<?> output = (BaseOutputLayer<?>) network.getOutputLayer();
        try (BackwardObserver observer = BackwardObserver.attach(network, new Recorder())) {
            LossMSE loss = new LossMSE();
            Networks.setLoss(network, loss);
            assertSame(loss, Networks.loss(network));
            assertSame(loss, output.layerConf().getLossFn());
            student.fit(0);
        }
        assertTrue(output == network.getOutputLayer(), "the output layer is not the original one after close()");
    }

    @Test
    void refusesModelsItCannotObserveSayingWhy() {
        MultiLayerNetwork network = (MultiLayerNetwork) ObservedStudents.of(ObservedStudents.MLP).model();
        assertMessage("MultiLayerNetwork or a ComputationGraph",
                () -> BackwardObserver.attach(network.getLayer(0), new Recorder()));
        assertMessage("MultiLayerNetwork or a ComputationGraph", () -> BackwardObserver.attach(null, new Recorder()));
        assertMessage("listener", () -> BackwardObserver.attach(network, null));

        MultiLayerNetwork frozen = new TransferLearning.Builder(network).setFeatureExtractor(0).build();
        assertMessage("frozen", () -> BackwardObserver.attach(frozen, new Recorder()));

        MultiLayerNetwork uninitialised = new MultiLayerNetwork(network.getLayerWiseConfigurations().clone());
        assertMessage("init()", () -> BackwardObserver.attach(uninitialised, new Recorder()));

        assertMessage("truncated BPTT", () -> BackwardObserver.attach(recurrentWithTruncatedBptt(), new Recorder()));

        try (BackwardObserver first = BackwardObserver.attach(network, new Recorder())) {
            assertMessage("already reports to a BackwardObserver", () -> BackwardObserver.attach(network, new Recorder()));
        }
        BackwardObserver.attach(network, new Recorder()).close();
    }

    private static MultiLayerNetwork recurrentWithTruncatedBptt() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3L).list()
                .layer(new LSTM.Builder().nIn(2).nOut(3).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(4).build());
        network.init();
        return network;
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable attach) {
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, attach);
        assertTrue(refusal.getMessage().contains(expected), "message '" + refusal.getMessage() + "' lacks '" + expected + "'");
    }
}
