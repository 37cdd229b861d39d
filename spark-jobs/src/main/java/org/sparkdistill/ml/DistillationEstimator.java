package org.sparkdistill.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.SparkConfSettings;
import org.sparkdistill.jobs.data.FeatureColumns;

/**
 * spark-distill as a Spark ML {@code Estimator}: {@link #fit} distils a student on a DataFrame with the same job as
 * the {@code distill} command and returns it as a {@link DistilledModel}.
 *
 * <p>Every configuration key is a {@code Param} of the same name, set as {@code --set} sets it:
 * {@code setConfig("training.epochs", "5")}, {@code setConfig("teachers", "/models/a.zip,/models/b.zip")}. A
 * configuration file ({@link #setConfigFile}) gives the rest, and {@code spark.distill.<key>} entries of the session's
 * Spark configuration sit between the two. The values are validated as a YAML file's are, every problem named at once,
 * before any job runs. The DataFrame to fit takes the place of {@code data.train}; held-out data comes from
 * {@link #setTestData}, {@code data.test} or {@code data.testTable}. Without {@code output}, the run writes into a
 * temporary folder of its own that {@code fit} deletes once it has read the student. The session is the DataFrame's,
 * and {@code fit} never stops it.
 */
public final class DistillationEstimator extends Estimator<DistilledModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong VIEWS = new AtomicLong();

    private final String uid;
    private final Map<String, Param<String>> settings = new LinkedHashMap<>();
    private final Param<String> configFile;
    private transient Dataset<?> testData;

    public DistillationEstimator() {
        this(Identifiable$.MODULE$.randomUID("distill"));
    }

    public DistillationEstimator(String uid) {
        this.uid = uid;
        for (String key : ConfigLoader.KEYS) {
            settings.put(key, new Param<>(this, key, "the configuration key " + key + ", as --set " + key
                    + "=<value> sets it"));
        }
        configFile = new Param<>(this, "configFile", "a YAML configuration file the settings override");
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Param<?>[] params() {
        List<Param<?>> all = new ArrayList<>(settings.values());
        all.add(configFile);
        return all.toArray(Param<?>[]::new);
    }

    /** Sets configuration key {@code key} to {@code value}, as {@code --set key=value} does. */
    public DistillationEstimator setConfig(String key, String value) {
        set(param(key), value);
        return this;
    }

    /** The value set for configuration key {@code key}, or null. */
    public String getConfig(String key) {
        Param<String> param = param(key);
        return isSet(param) ? $(param) : null;
    }

    /** Reads the settings not set here from the YAML file at {@code path}. */
    public DistillationEstimator setConfigFile(String path) {
        set(configFile, path);
        return this;
    }

    /** The feature column, or a glob of columns ({@code data.features}). */
    public DistillationEstimator setFeaturesCol(String column) {
        return setConfig("data.features", column);
    }

    /** The label column ({@code data.label}). */
    public DistillationEstimator setLabelCol(String column) {
        return setConfig("data.label", column);
    }

    /** Held-out data to measure the student on after each epoch, in the training DataFrame's form. */
    public DistillationEstimator setTestData(Dataset<?> test) {
        testData = test;
        return this;
    }

    @Override
    public DistilledModel fit(Dataset<?> dataset) {
        SparkSession spark = dataset.sparkSession();
        List<String> views = new ArrayList<>();
        Path scratch = null;
        try {
            Map<String, String> overrides = new LinkedHashMap<>(SparkConfSettings.of(spark.sparkContext().getConf()));
            overrides.putAll(explicitSettings());
            overrides.put("data.table", view(dataset, "train", views));
            if (testData != null) {
                overrides.put("data.testTable", view(testData, "test", views));
            }
            if (!overrides.containsKey("output")) {
                scratch = Files.createTempDirectory("spark-distill-fit-");
                overrides.put("output", scratch.resolve("student").toUri().toString());
            }
            DistillConfig config = config(overrides);
            DistillJob.Outcome outcome = DistillJob.run(spark, config, "fit");
            DistilledModel model = new DistilledModel(uid, outcome.studentZip(), outcome.exampleShape())
                    .setFeaturesCols(config.data().features().toArray(String[]::new));
            return model.setParent(this);
        } catch (IOException e) {
            throw new UncheckedIOException("DistillationEstimator.fit: " + e.getMessage(), e);
        } finally {
            views.forEach(name -> spark.catalog().dropTempView(name));
            deleteOwn(scratch);
        }
    }

    /** Deletes the temporary folder this fit created, and nothing else. */
    private static void deleteOwn(Path scratch) {
        if (scratch == null) {
            return;
        }
        try {
            AtomicDirectory.deleteRecursively(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the fit's temporary folder " + scratch, e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Map<String, String> overrides = explicitSettings();
        overrides.put("data.table", "the DataFrame to fit");
        overrides.putIfAbsent("output", "unused");
        DistillConfig config = config(overrides);
        FeatureColumns.asFloats(schema, config.data().features(), null, "the DataFrame to fit");
        return DistilledModel.withScores(schema, DistilledModel.PREDICTION, DistilledModel.PROBABILITY);
    }

    @Override
    public DistillationEstimator copy(ParamMap extra) {
        DistillationEstimator copy = copyValues(new DistillationEstimator(uid), extra);
        copy.testData = testData;
        return copy;
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                List<Map.Entry<String, Object>> set = new ArrayList<>();
                explicitSettings().forEach((key, value) -> set.add(StageMetadata.entry(key, value)));
                if (isSet(configFile)) {
                    set.add(StageMetadata.entry("configFile", $(configFile)));
                }
                StageMetadata.write(sparkSession(), path, DistillationEstimator.this, set, List.of());
            }
        };
    }

    @Override
    public void save(String path) throws IOException {
        write().save(path);
    }

    /** The reader Spark ML's persistence finds by reflection. */
    public static MLReader<DistillationEstimator> read() {
        return new MLReader<>() {
            @Override
            public DistillationEstimator load(String path) {
                StageMetadata metadata = StageMetadata.read(sparkSession(), path, DistillationEstimator.class);
                DistillationEstimator estimator = new DistillationEstimator(metadata.uid());
                metadata.paramNames().forEach(name -> {
                    if (name.equals("configFile")) {
                        estimator.setConfigFile(metadata.string(name));
                    } else {
                        estimator.setConfig(name, metadata.string(name));
                    }
                });
                return estimator;
            }
        };
    }

    /** The estimator saved at {@code path}. */
    public static DistillationEstimator load(String path) {
        return read().load(path);
    }

    private Param<String> param(String key) {
        Param<String> param = settings.get(key);
        if (param == null) {
            throw new InvalidInputException("DistillationEstimator: " + key + " is not a configuration key; known keys: "
                    + String.join(", ", ConfigLoader.KEYS));
        }
        return param;
    }

    /** The configuration keys set here, with their values. */
    private Map<String, String> explicitSettings() {
        Map<String, String> set = new LinkedHashMap<>();
        settings.forEach((key, param) -> {
            if (isSet(param)) {
                set.put(key, $(param));
            }
        });
        return set;
    }

    private DistillConfig config(Map<String, String> overrides) {
        if (overrides.containsKey("data.train")) {
            throw new InvalidInputException("DistillationEstimator fits the DataFrame it is given, but data.train = "
                    + overrides.get("data.train") + " names other data; remove it");
        }
        return isSet(configFile) ? ConfigLoader.load(Path.of($(configFile)), overrides)
                : ConfigLoader.parse("{}", "DistillationEstimator " + uid, overrides);
    }

    /** Registers {@code data} as a temporary view of this fit's own, dropped when the fit ends. */
    private String view(Dataset<?> data, String role, List<String> views) {
        String name = "spark_distill_" + role + "_" + uid.replace('-', '_') + "_" + VIEWS.incrementAndGet();
        data.createOrReplaceTempView(name);
        views.add(name);
        return name;
    }
}
