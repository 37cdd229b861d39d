package org.sparkdistill.core.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * A DL4J model zip read into memory and checked, so that DL4J builds the network from exactly the bytes checked and
 * never deserializes a class the zip names.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ModelSerializer.restoreMultiLayerNetwork} and {@code restoreComputationGraph} read
 * every entry of the zip into memory through a {@link ZipInputStream} (a later entry of the same name replacing an
 * earlier one), then parse {@value #CONFIGURATION} as JSON, {@code coefficients.bin} and {@code updaterState.bin} as
 * ND4J arrays, and read {@value #JAVA_SERIALIZED} with an unfiltered {@code ObjectInputStream}, whose result they
 * drop. {@code normalizer.bin} and the {@code objects/} entries are read only by {@code restoreNormalizerFromFile} and
 * {@code getObjectFromFile}, which spark-distill never calls. So a zip is refused when it holds
 * {@value #JAVA_SERIALIZED} (DL4J's writer never writes one), when an entry name occurs twice (the checked entry might
 * not be the one DL4J keeps), and when its configuration names, by Jackson's {@code "@class"} type property, a class
 * outside DL4J, ND4J and spark-distill (whose loss functions a checkpoint names): Jackson would load and initialise
 * the class before checking its type. The check reads the same bytes through the same {@link ZipInputStream} DL4J is
 * then given: a byte array held here, or a file that must not change after the check, such as a private local copy.
 * Only the configuration entry is held in memory while checking. Immutable and thread-safe.
 */
public final class ModelZip {
    static final String CONFIGURATION = "configuration.json";
    static final String JAVA_SERIALIZED = "preprocessor.bin";
    private static final String TYPE_PROPERTY = "@class";
    private static final Set<String> TRUSTED_PACKAGES = Set.of("org.deeplearning4j.", "org.nd4j.", "org.sparkdistill.");

    /** The zip's bytes, or null when it is read from {@link #file}. */
    private final byte[] bytes;
    private final Path file;
    private final String source;
    private final boolean computationGraph;

    private ModelZip(byte[] bytes, Path file, String source, boolean computationGraph) {
        this.bytes = bytes;
        this.file = file;
        this.source = source;
        this.computationGraph = computationGraph;
    }

    /**
     * Checks the model zip {@code file}, streaming through it; the networks are later built from the same file, which
     * must not change meanwhile (give a private copy of a file others may write).
     *
     * @param what what the file is, for messages, e.g. "teacher model file"
     * @throws InvalidInputException naming the file when it is not a regular file, cannot be read, or is refused
     */
    public static ModelZip read(Path file, String what) {
        return read(file, what, Excerpt.of(file));
    }

    /**
     * {@link #read(Path, String)} with the file named in messages as {@code origin}, such as the remote file
     * {@code file} is a local copy of.
     */
    public static ModelZip read(Path file, String what, String origin) {
        String source = what + " " + origin;
        BoundedText.requireRegularFile(file, source);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return new ModelZip(null, file, source, check(in, source));
        } catch (IOException e) {
            throw new InvalidInputException(source + " cannot be read: " + e, e);
        }
    }

    /**
     * Checks a model zip already in memory; the array is kept, not copied, and must not change afterwards.
     *
     * @param source what and where the bytes came from, for messages, e.g. "teacher model file models/cnn.zip"
     * @throws InvalidInputException naming {@code source} when the bytes are not a zip with a configuration, or the
     *     zip is refused
     */
    public static ModelZip of(byte[] bytes, String source) {
        return new ModelZip(bytes, null, source, check(new ByteArrayInputStream(bytes), source));
    }

    /** Checks the zip {@code zip} streams and tells whether it holds a ComputationGraph. */
    private static boolean check(InputStream zip, String source) {
        Set<String> names = new HashSet<>();
        byte[] configuration = null;
        try (ZipInputStream in = new ZipInputStream(zip)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName();
                if (!names.add(name)) {
                    throw new InvalidInputException(source + " holds the entry " + Excerpt.quoted(name)
                            + " twice; a DL4J model zip names each entry once");
                }
                if (name.equals(JAVA_SERIALIZED)) {
                    throw new InvalidInputException(source + " holds the entry " + JAVA_SERIALIZED + ", which DL4J"
                            + " would read by Java deserialization, and that can run code of any class on the"
                            + " classpath; DL4J's ModelSerializer never writes this entry, so the zip is refused");
                }
                if (name.equals(CONFIGURATION)) {
                    configuration = in.readAllBytes();
                } else {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException(source + " is not a readable DL4J model zip: " + e, e);
        }
        if (configuration == null) {
            throw new InvalidInputException(source + " is not a readable DL4J model zip: it has no " + CONFIGURATION
                    + " entry");
        }
        JsonNode json = parse(configuration, source);
        requireTrustedTypes(json, source);
        return json.has("vertices");
    }

    /** The zip as checked. */
    private InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : new BufferedInputStream(Files.newInputStream(file));
    }

    /** What and where the zip came from, as messages name it. */
    public String source() {
        return source;
    }

    /** Whether the zip holds a ComputationGraph (its configuration has vertices) rather than a MultiLayerNetwork. */
    public boolean isComputationGraph() {
        return computationGraph;
    }

    /**
     * Builds the network the zip holds, a ComputationGraph or a MultiLayerNetwork, without its updater state.
     *
     * @throws InvalidInputException naming the source when DL4J cannot read it
     */
    public Model network() {
        return computationGraph ? computationGraph() : multiLayerNetwork(false);
    }

    /**
     * Builds the MultiLayerNetwork the zip holds.
     *
     * @param withUpdater whether to restore the updater state too
     * @throws InvalidInputException naming the source when it holds a ComputationGraph or DL4J cannot read it
     */
    public MultiLayerNetwork multiLayerNetwork(boolean withUpdater) {
        if (computationGraph) {
            throw new InvalidInputException(source + " holds a ComputationGraph; a MultiLayerNetwork is needed here");
        }
        try {
            try (InputStream in = open()) {
                return ModelSerializer.restoreMultiLayerNetwork(in, withUpdater);
            }
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    /**
     * Builds the ComputationGraph the zip holds, without its updater state.
     *
     * @throws InvalidInputException naming the source when it holds a MultiLayerNetwork or DL4J cannot read it
     */
    public ComputationGraph computationGraph() {
        return computationGraph(false);
    }

    /**
     * Builds the ComputationGraph the zip holds.
     *
     * @param withUpdater whether to restore the updater state too
     * @throws InvalidInputException naming the source when it holds a MultiLayerNetwork or DL4J cannot read it
     */
    public ComputationGraph computationGraph(boolean withUpdater) {
        if (!computationGraph) {
            throw new InvalidInputException(source + " holds a MultiLayerNetwork; a ComputationGraph is needed here");
        }
        try {
            try (InputStream in = open()) {
                return ModelSerializer.restoreComputationGraph(in, withUpdater);
            }
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    private InvalidInputException unreadable(Exception e) {
        return new InvalidInputException(source + " is not a readable DL4J model zip: " + Excerpt.of(e), e);
    }

    private static JsonNode parse(byte[] configuration, String source) {
        try {
            JsonNode json = new ObjectMapper().readTree(new String(configuration, StandardCharsets.UTF_8));
            if (json == null || !json.isObject()) {
                throw new InvalidInputException(source + " is not a readable DL4J model zip: its " + CONFIGURATION
                        + " is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new InvalidInputException(source + " is not a readable DL4J model zip: its " + CONFIGURATION
                    + " is not JSON: " + Excerpt.of(e.getMessage()), e);
        }
    }

    /** Refuses any {@code "@class"} property, at any depth, that names a class outside the trusted packages. */
    private static void requireTrustedTypes(JsonNode node, String source) {
        if (node.isObject()) {
            JsonNode type = node.get(TYPE_PROPERTY);
            if (type != null && !(type.isTextual() && trusted(type.asText()))) {
                throw new InvalidInputException(source + " names the class " + Excerpt.quoted(type.asText())
                        + " in its " + CONFIGURATION + "; only classes of the packages " + String.join(", ",
                        TRUSTED_PACKAGES.stream().sorted().map(p -> p + "*").toList())
                        + " are loaded from a model zip");
            }
        }
        for (JsonNode child : node) {
            requireTrustedTypes(child, source);
        }
    }

    private static boolean trusted(String className) {
        return TRUSTED_PACKAGES.stream().anyMatch(className::startsWith);
    }
}
