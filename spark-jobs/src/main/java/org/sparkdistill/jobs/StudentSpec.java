package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.UpdaterKind.LearningRateSchedule;
import org.sparkdistill.jobs.config.StudentConfig;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.LocalCopy;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * The student network a job trains: an architecture built from the seed, or a model file whose weights are the
 * starting point, with the optimizer every one of its layers trains with.
 *
 * <p>A model file is checked on the driver ({@link #of}: a readable DL4J zip, its SHA-256 taken) and read again from
 * storage wherever a student is built, refused if its hash changed meanwhile, as teacher files are.
 *
 * @param model the model file, or null to build {@code architecture}
 * @param modelSha256 the model file's SHA-256 as the driver read it, or null
 * @param hadoop how to reach the model file's file system
 */
public record StudentSpec(StudentArchitecture architecture, List<Integer> hidden, List<Integer> channels,
                          String model, String modelSha256, HadoopSettings hadoop, UpdaterKind updater,
                          double learningRate, LearningRateSchedule schedule) implements Serializable {
    private static final String WHAT = "student model file (student.model)";

    public StudentSpec {
        hidden = List.copyOf(hidden);
        channels = List.copyOf(channels);
    }

    /** A fully connected student of the {@code hidden} widths. */
    public StudentSpec(List<Integer> hidden, UpdaterKind updater, double learningRate, LearningRateSchedule schedule) {
        this(StudentArchitecture.MLP, hidden, List.of(16, 32), null, null, null, updater, learningRate, schedule);
    }

    /**
     * The student a job's configuration describes; a model file is copied, hashed and checked here, on the driver.
     *
     * @throws InvalidInputException naming the file when it is missing or not a readable DL4J model zip
     */
    public static StudentSpec of(StudentConfig config, Configuration conf) {
        String sha256 = null;
        if (config.model() != null) {
            StoragePath file = StoragePath.of(config.model(), conf);
            try (LocalCopy copy = LocalCopy.of(file, WHAT)) {
                ModelZip.read(copy.file(), WHAT, file.describe());
                sha256 = copy.sha256();
            }
        }
        return new StudentSpec(config.architecture(), config.hidden(), config.channels(), config.model(), sha256,
                config.model() == null ? null : HadoopSettings.of(conf), config.updater(), config.learningRate(),
                config.learningRateSchedule());
    }

    /** The student a job's configuration describes, which must not name a model file. */
    public static StudentSpec of(StudentConfig config) {
        if (config.model() != null) {
            throw new IllegalArgumentException("student.model = " + config.model() + " needs the file system settings");
        }
        return of(config, null);
    }

    /**
     * A new student for examples of {@code shape} and {@code classes} classes, initialised from {@code seed} or read
     * from the model file, whose learning rate follows the schedule over {@code totalSteps}.
     *
     * @throws InvalidInputException naming the problem: an architecture that does not fit the data's shape, a model
     *     file that changed since the driver checked it
     */
    public Model build(int[] shape, int classes, long seed, int totalSteps) {
        IUpdater optimizer = updater.withLearningRate(learningRate, schedule, totalSteps);
        if (model == null) {
            return architecture.build(shape, hidden, channels, classes, optimizer, seed);
        }
        StoragePath file = StoragePath.of(model, hadoop.toConfiguration());
        try (LocalCopy copy = LocalCopy.of(file, WHAT)) {
            if (!copy.sha256().equals(modelSha256)) {
                throw new InvalidInputException(WHAT + " " + file.describe() + " changed while the job ran: its SHA-256"
                        + " is now " + copy.sha256() + ", but was " + modelSha256 + " when the job started");
            }
            ModelZip zip = ModelZip.read(copy.file(), WHAT, file.describe());
            Model network = zip.network();
            trainWith(network, optimizer);
            return network;
        }
    }

    /** A new student of a fully connected architecture for flat rows of {@code featureCount} values. */
    public MultiLayerNetwork build(int featureCount, int classes, long seed, int totalSteps) {
        if (architecture != StudentArchitecture.MLP || model != null) {
            throw new IllegalStateException("only a fully connected student is built from a row width alone");
        }
        return (MultiLayerNetwork) build(new int[] {featureCount}, classes, seed, totalSteps);
    }

    /** Gives every layer with parameters of {@code network} the configured optimizer. */
    private static void trainWith(Model network, IUpdater optimizer) {
        List<NeuralNetConfiguration> layers = network instanceof MultiLayerNetwork m
                ? m.getLayerWiseConfigurations().getConfs()
                : java.util.Arrays.stream(((ComputationGraph) network).getLayers()).map(l -> l.conf()).toList();
        for (NeuralNetConfiguration layer : layers) {
            if (layer.getLayer() instanceof BaseLayer base) {
                base.setIUpdater(optimizer.clone());
                base.setBiasUpdater(null);
            }
        }
    }
}
