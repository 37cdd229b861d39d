package org.sparkdistill.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

/** Small data, teachers and a local Spark session for the soft-label cache tests. */
final class CacheFixtures {
    static final int FEATURES = 8;
    static final int CLASSES = 4;
    /** A feature value no real row has; {@link Poison} fails on it. */
    static final float POISON = 1000f;

    private CacheFixtures() {}

    /**
     * What a cache test starts from: local Spark, prepared training and test Parquet, and two teachers trained on
     * the training rows.
     */
    record Inputs(SparkSession spark, Examples trainRows, Path train, Path test, Path teacherA, Path teacherB) {
        static Inputs prepare(Path dir, String name, int rows) throws IOException {
            SparkSession spark = localSpark(name);
            Examples trainRows = examples("train", rows, 1L);
            Path train = dir.resolve("train.parquet");
            Path test = dir.resolve("test.parquet");
            PrepareJob.run(spark, trainRows, train);
            PrepareJob.run(spark, examples("test", 100, 2L), test);
            return new Inputs(spark, trainRows, train, test, teacher(dir, "a.zip", 11L, trainRows),
                    teacher(dir, "b.zip", 12L, trainRows));
        }
    }

    /** Local Spark with two task slots and Kryo that refuses unregistered classes. */
    static SparkSession localSpark(String name) {
        return SparkSession.builder().config(new SparkConf().setMaster("local[2]").setAppName(name)
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.sparkdistill.jobs.spark.DistillKryoRegistrator")
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryoserializer.buffer.max", "512m")).getOrCreate();
    }

    /** Rows whose label is the arg-max of a fixed linear map of their features, so a student can learn them. */
    static Examples examples(String name, int rows, long seed) {
        return examples(name, rows, seed, CLASSES);
    }

    /** Rows of {@code classes} classes whose label is the arg-max of a fixed linear map of their features. */
    static Examples examples(String name, int rows, long seed, int classes) {
        Random random = new Random(seed);
        Random map = new Random(99);
        float[][] weights = new float[classes][FEATURES];
        for (float[] row : weights) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = (float) map.nextGaussian();
            }
        }
        float[] features = new float[rows * FEATURES];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < FEATURES; j++) {
                features[i * FEATURES + j] = (float) random.nextGaussian();
            }
            for (int c = 0; c < classes; c++) {
                double score = 0;
                for (int j = 0; j < FEATURES; j++) {
                    score += weights[c][j] * features[i * FEATURES + j];
                }
                if (score > best) {
                    best = score;
                    labels[i] = c;
                }
            }
        }
        return new Examples(name, features, labels, new int[] {FEATURES}, classes);
    }

    /** {@code examples} with the first feature of row {@code row} set to {@link #POISON}. */
    static Examples poisoned(Examples examples, int row) {
        float[] features = examples.features().clone();
        features[row * FEATURES] = POISON;
        return new Examples(examples.name(), features, examples.labels(), examples.shape(), examples.numClasses());
    }

    /** An MLP teacher 8-16-4, initialised from {@code seed}, trained briefly on {@code train}. */
    static Path teacher(Path dir, String file, long seed, Examples train) throws IOException {
        MultiLayerNetwork network = Networks.mlp(FEATURES, List.of(16), train.numClasses(), new Sgd(0.2), seed);
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(train.features(), new long[] {train.size(), FEATURES},
                DataType.FLOAT);
        INDArray y = org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, train.size(), train.numClasses());
        for (int i = 0; i < train.size(); i++) {
            y.putScalar(i, train.labels()[i], 1f);
        }
        for (int epoch = 0; epoch < 20; epoch++) {
            network.fit(x, y);
        }
        Path zip = dir.resolve(file);
        ModelSerializer.writeModel(network, zip.toFile(), false);
        return zip;
    }

    /** A teacher that fails on any batch holding a {@link #POISON} value, as a teacher crashing mid-run would. */
    static Path poisonedTeacher(Path dir) throws IOException {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).list()
                .layer(new ActivationLayer.Builder().activation(new Poison()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(FEATURES).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(FEATURES))
                .build());
        network.init();
        Path zip = dir.resolve("poisoned.zip");
        ModelSerializer.writeModel(network, zip.toFile(), false);
        return zip;
    }

    /** The identity, except that it throws on an input holding {@link #POISON}. */
    public static final class Poison extends BaseActivationFunction {
        private static final long serialVersionUID = 1L;

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            if (in.maxNumber().doubleValue() >= POISON) {
                throw new IllegalStateException("the teacher met a poisoned row");
            }
            return in;
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            return new Pair<>(epsilon, null);
        }

        @Override
        public String toString() {
            return "poison";
        }
    }

    /**
     * A configuration of 2 epochs of batch 32 for a 8-8-4 student, distilled at T = 2 and α = 0.7, with
     * {@code settings} (dotted keys) over it.
     */
    static DistillConfig config(Path train, Path test, List<Path> teachers, Path output, Map<String, String> settings) {
        StringBuilder items = new StringBuilder();
        teachers.forEach(t -> items.append("  - path: ").append(t).append('\n'));
        return config(train, test, items.toString(), output, settings);
    }

    /** The same configuration with the teachers given as the YAML items of the {@code teachers} list. */
    static DistillConfig config(Path train, Path test, String teachers, Path output, Map<String, String> settings) {
        StringBuilder text = new StringBuilder("data:\n  train: " + train + "\n  test: " + test + "\nteachers:\n");
        text.append(teachers);
        text.append("""
                student: {hidden: [8]}
                distillation: {temperature: 2.0, alpha: 0.7}
                training: {epochs: 2, batchSize: 32, seed: 3}
                """);
        text.append("output: ").append(output).append('\n');
        return ConfigLoader.parse(text.toString(), "cache-test.yaml", settings);
    }

    static List<String> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
