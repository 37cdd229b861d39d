package org.sparkdistill.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.ChildJvm;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.Networks;
import untrusted.ClassLoadingMarker;

class ModelZipTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    /** A small network after one Adam step, so that its updater state is not all zeros. */
    static MultiLayerNetwork trainedNetwork() {
        Nd4j.getRandom().setSeed(11);
        MultiLayerNetwork network = Networks.mlp(4, List.of(3), 2, new Adam(0.01), 11L);
        network.fit(Nd4j.rand(DataType.FLOAT, 5, 4), Nd4j.eye(2).getRows(0, 1, 0, 1, 0).castTo(DataType.FLOAT));
        return network;
    }

    static byte[] zipOf(org.deeplearning4j.nn.api.Model model, boolean withUpdater) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(model, bytes, withUpdater);
        return bytes.toByteArray();
    }

    static String markerName() {
        // A class literal loads the class in this JVM without initialising it; the child JVM is where it must stay untouched.
        return ClassLoadingMarker.class.getName();
    }

    /** Opens {@code zip} in a child JVM whose marker class records whether it was ever initialised. */
    ChildJvm.Exit openInChildJvm(byte[] zip, Path marker) throws IOException {
        Path file = dir.resolve("hostile.zip");
        Files.write(file, zip);
        return ChildJvm.run(dir, CHILD_TIMEOUT, List.of("-D" + ClassLoadingMarker.MARKER_PROPERTY + "=" + marker),
                ModelZipProbe.class.getName(), file.toString());
    }

    @Test
    void aNetworkZipComesBackWithTheSameParametersAndUpdaterState() throws IOException {
        MultiLayerNetwork network = trainedNetwork();
        ModelZip zip = ModelZip.of(zipOf(network, true), "test zip");
        assertFalse(zip.isComputationGraph());
        MultiLayerNetwork restored = zip.multiLayerNetwork(true);
        assertEquals(network.params(), restored.params());
        assertEquals(network.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        assertTrue(network.getUpdater().getStateViewArray().amaxNumber().doubleValue() > 0);
    }

    @Test
    void aGraphZipComesBackAsAGraph() throws IOException {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("in").addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4)
                        .nOut(2).activation(Activation.SOFTMAX).build(), "in").setOutputs("out").build());
        graph.init();
        ModelZip zip = ModelZip.of(zipOf(graph, false), "graph zip");
        assertTrue(zip.isComputationGraph());
        assertEquals(graph.params(), zip.computationGraph().params());
        InvalidInputException wrongKind = assertThrows(InvalidInputException.class, () -> zip.multiLayerNetwork(false));
        assertEquals("graph zip holds a ComputationGraph; a MultiLayerNetwork is needed here", wrongKind.getMessage());
    }

    @Test
    void aNetworkZipIsNotAGraph() throws IOException {
        ModelZip zip = ModelZip.of(zipOf(trainedNetwork(), false), "mlp zip");
        InvalidInputException wrongKind = assertThrows(InvalidInputException.class, zip::computationGraph);
        assertEquals("mlp zip holds a MultiLayerNetwork; a ComputationGraph is needed here", wrongKind.getMessage());
    }

    @Test
    void aZipCheckedInMemoryOrFromAFileBuildsTheNetworkItHolds() throws IOException {
        MultiLayerNetwork network = trainedNetwork();
        byte[] bytes = zipOf(network, false);
        assertEquals(network.params(), ModelZip.of(bytes, "zip").multiLayerNetwork(false).params());
        Path file = dir.resolve("m.zip");
        Files.write(file, bytes);
        ModelZip read = ModelZip.read(file, "model file");
        assertEquals(network.params(), read.multiLayerNetwork(false).params());
        assertEquals("model file " + file, read.source());
        assertEquals("model file hdfs://nn/m.zip", ModelZip.read(file, "model file", "hdfs://nn/m.zip").source());
    }

    @Test
    void aSerializedEntryIsRefusedAndTheClassItNamesIsNeverInitialised() throws IOException {
        byte[] hostile = HostileZips.with(zipOf(trainedNetwork(), false),
                Map.entry("preprocessor.bin", HostileZips.serializedObjectOf(markerName())));
        Path marker = dir.resolve("marker-serialized");
        ChildJvm.Exit exit = openInChildJvm(hostile, marker);
        assertFalse(Files.exists(marker), "the class named in the serialized entry was initialised");
        assertEquals(2, exit.status(), exit.out() + exit.err());
        assertTrue(exit.out().startsWith("model file " + dir.resolve("hostile.zip") + " holds the entry preprocessor.bin,"
                + " which DL4J would read by Java deserialization"), exit.out());
    }

    @Test
    void aConfigurationNamingAClassOutsideTheTrustedPackagesIsRefusedAndTheClassIsNeverInitialised() throws IOException {
        Map<String, byte[]> entries = HostileZips.entries(zipOf(trainedNetwork(), false));
        String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
        Matcher type = Pattern.compile("\"@class\"\\s*:\\s*\"org\\.deeplearning4j\\.nn\\.conf\\.layers\\.DenseLayer\"")
                .matcher(json);
        assertTrue(type.find(), json);
        String hostileJson = json.substring(0, type.start()) + "\"@class\" : \"" + markerName() + "\""
                + json.substring(type.end());
        byte[] hostile = HostileZips.zip(Map.entry("configuration.json", hostileJson.getBytes(StandardCharsets.UTF_8)),
                Map.entry("coefficients.bin", entries.get("coefficients.bin")));
        Path marker = dir.resolve("marker-json");
        ChildJvm.Exit exit = openInChildJvm(hostile, marker);
        assertFalse(Files.exists(marker), "the class named in configuration.json was initialised");
        assertEquals(2, exit.status(), exit.out() + exit.err());
        assertTrue(exit.out().contains("names the class \"" + markerName() + "\" in its configuration.json; only"
                + " classes of the packages org.deeplearning4j.*, org.nd4j.*, org.sparkdistill.* are loaded"), exit.out());
    }

    @Test
    void theChildJvmProbeBuildsAnOrdinaryZip() throws IOException {
        Path marker = dir.resolve("marker-plain");
        ChildJvm.Exit exit = openInChildJvm(zipOf(trainedNetwork(), false), marker);
        assertEquals(0, exit.status(), exit.out() + exit.err());
        assertEquals("built MultiLayerNetwork", exit.out().strip());
    }

    @Test
    void anEntryNamedTwiceIsRefused() throws IOException {
        Map<String, byte[]> entries = HostileZips.entries(zipOf(trainedNetwork(), false));
        // ZipOutputStream refuses a repeated name, so the second entry is renamed in place to one of the same length.
        String twin = "configuration.jsoN";
        byte[] renamed = HostileZips.zip(Map.entry("configuration.json", entries.get("configuration.json")),
                Map.entry("coefficients.bin", entries.get("coefficients.bin")),
                Map.entry(twin, "{}".getBytes(StandardCharsets.ISO_8859_1)));
        byte[] twice = new String(renamed, StandardCharsets.ISO_8859_1).replace(twin, "configuration.json")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("configuration.json", "coefficients.bin"), List.copyOf(HostileZips.entries(twice).keySet()));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelZip.of(twice, "z.zip"));
        assertEquals("z.zip holds the entry \"configuration.json\" twice; a DL4J model zip names each entry once",
                e.getMessage());
    }

    @Test
    void bytesWithoutAConfigurationAreRefused() throws IOException {
        String expected = "z.zip is not a readable DL4J model zip: it has no configuration.json entry";
        assertEquals(expected, assertThrows(InvalidInputException.class,
                () -> ModelZip.of(new byte[0], "z.zip")).getMessage());
        assertEquals(expected, assertThrows(InvalidInputException.class,
                () -> ModelZip.of("not a zip".getBytes(StandardCharsets.UTF_8), "z.zip")).getMessage());
        byte[] noConfiguration = HostileZips.zip(Map.entry("coefficients.bin", new byte[] {1, 2, 3}));
        assertEquals(expected, assertThrows(InvalidInputException.class,
                () -> ModelZip.of(noConfiguration, "z.zip")).getMessage());
    }

    @Test
    void aConfigurationThatIsNotAJsonObjectIsRefused() throws IOException {
        byte[] list = HostileZips.zip(Map.entry("configuration.json", "[1, 2]".getBytes(StandardCharsets.UTF_8)));
        assertEquals("z.zip is not a readable DL4J model zip: its configuration.json is not a JSON object",
                assertThrows(InvalidInputException.class, () -> ModelZip.of(list, "z.zip")).getMessage());
        byte[] broken = HostileZips.zip(Map.entry("configuration.json", "{\"confs\": [".getBytes(StandardCharsets.UTF_8)));
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelZip.of(broken, "z.zip")).getMessage()
                .startsWith("z.zip is not a readable DL4J model zip: its configuration.json is not JSON: "));
    }

    @Test
    void aConfigurationDl4jCannotBuildIsRefusedWhenBuilding() throws IOException {
        byte[] empty = HostileZips.zip(Map.entry("configuration.json", "{}".getBytes(StandardCharsets.UTF_8)));
        ModelZip zip = ModelZip.of(empty, "z.zip");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> zip.multiLayerNetwork(false));
        assertTrue(e.getMessage().startsWith("z.zip is not a readable DL4J model zip: "), e.getMessage());
    }

    @Test
    void aMissingFileADirectoryAndADeviceAreRefusedByName() throws IOException {
        Path missing = dir.resolve("absent.zip");
        assertEquals("teacher model file " + missing + " does not exist", assertThrows(InvalidInputException.class,
                () -> ModelZip.read(missing, "teacher model file")).getMessage());
        assertEquals("teacher model file " + dir + " is a directory", assertThrows(InvalidInputException.class,
                () -> ModelZip.read(dir, "teacher model file")).getMessage());
        Path device = Path.of("/dev/zero");
        assertEquals("model file /dev/zero is not a regular file (a device, pipe or socket); give a file", assertThrows(InvalidInputException.class,
                () -> ModelZip.read(device, "model file")).getMessage());
    }
}
