package org.sparkdistill.core.teacher;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;

/**
 * Keras models saved as HDF5 ({@code model.save("teacher.h5")}), imported by DL4J's model import into a
 * MultiLayerNetwork (a Sequential model) or a ComputationGraph (a functional one), which then serves as a
 * {@link Dl4jTeacher}.
 *
 * <p>The model's input shape is the one its configuration declares ({@code batch_input_shape}), in Keras's layout:
 * channels last unless the model says otherwise, which {@link TeacherInput} infers from that shape.
 */
final class KerasModels {
    private static final String MODEL_CONFIG = "model_config";

    private KerasModels() {}

    /**
     * Imports the model in {@code file} and wraps it as {@code description} says.
     *
     * @throws InvalidInputException naming the file when it holds no Keras model DL4J can import
     */
    static Teacher teacher(Path file, String name, String origin, TeacherDescription description, long[] dataShape) {
        JsonNode config = configuration(file, origin);
        long[] declared = declaredInput(config, origin);
        Model model = importModel(file, origin, "Sequential".equals(config.path("class_name").asText()));
        try {
            return Dl4jTeacher.of(name, model, dataShape, description, declared);
        } catch (RuntimeException e) {
            NetworkMemory.release(model);
            throw e;
        }
    }

    private static JsonNode configuration(Path file, String origin) {
        try (Hdf5Archive archive = new Hdf5Archive(file.toString())) {
            if (!archive.hasAttribute(MODEL_CONFIG)) {
                throw new InvalidInputException("teacher model file " + origin + " is an HDF5 file without a Keras"
                        + " model configuration (attribute " + MODEL_CONFIG + "); save the whole model with"
                        + " model.save(\"teacher.h5\"), not only its weights");
            }
            return new ObjectMapper().readTree(archive.readAttributeAsJson(MODEL_CONFIG));
        } catch (IOException | UnsupportedKerasConfigurationException | RuntimeException e) {
            if (e instanceof InvalidInputException refused) {
                throw refused;
            }
            throw new InvalidInputException("cannot read the Keras model configuration of teacher model file " + origin
                    + ": " + e.getMessage(), e);
        }
    }

    /** The model's one declared input shape, batch axis first (-1 for a free size). */
    private static long[] declaredInput(JsonNode config, String origin) {
        JsonNode shape = null;
        int inputs = 0;
        for (JsonNode layer : config.path("config").path("layers")) {
            JsonNode declared = layer.path("config").path("batch_input_shape");
            if (shape == null && declared.isArray()) {
                shape = declared;
            }
            if ("InputLayer".equals(layer.path("class_name").asText())) {
                inputs++;
            }
        }
        if (shape == null) {
            throw new InvalidInputException("teacher model file " + origin + ": its Keras configuration declares no"
                    + " input shape (batch_input_shape)");
        }
        if (inputs > 1) {
            throw new InvalidInputException("teacher model file " + origin + ": the Keras model has " + inputs
                    + " inputs; a teacher takes one");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).isNumber() ? shape.get(i).asLong() : -1;
        }
        return dims;
    }

    private static Model importModel(Path file, String origin, boolean sequential) {
        try {
            return sequential ? KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false)
                    : KerasModelImport.importKerasModelAndWeights(file.toString(), false);
        } catch (IOException | InvalidKerasConfigurationException | UnsupportedKerasConfigurationException
                | RuntimeException e) {
            throw new InvalidInputException("DL4J cannot import the Keras model in teacher model file " + origin + ": "
                    + e.getMessage(), e);
        }
    }
}
