package org.sparkdistill.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.data.FeatureColumns;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * A distilled student as a Spark ML {@code Transformer}: {@link #transform} appends the predicted class
 * ({@code predictionCol}, a double) and the class probabilities ({@code probabilityCol}, a vector) to a DataFrame whose
 * {@code featuresCols} hold examples as the student was trained on them (read as training reads them). Saved with
 * {@link #write()} and loaded with {@link #load(String)} as Spark ML saves any stage: {@code metadata/} as Spark's
 * own stages write it, and the student's DL4J zip in {@code data/student.zip}, so it fits in a saved
 * {@code PipelineModel}.
 */
public final class DistilledModel extends Model<DistilledModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String FEATURES = "__spark_distill_features";
    /** The default names of the columns {@link #transform} appends. */
    static final String PREDICTION = "prediction";
    static final String PROBABILITY = "probability";

    private final String uid;
    private final byte[] studentZip;
    private final int[] shape;

    private final StringArrayParam featuresCols;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;

    /**
     * @param studentZip the student as a DL4J model zip
     * @param shape the shape of one example, as the student was trained on it
     */
    public DistilledModel(String uid, byte[] studentZip, int[] shape) {
        this.uid = uid;
        this.studentZip = studentZip.clone();
        this.shape = shape.clone();
        // Created once the uid is set: a param takes its parent's uid.
        featuresCols = new StringArrayParam(this, "featuresCols",
                "the columns that hold the features, as data.features names them for training");
        predictionCol = new Param<>(this, "predictionCol", "the predicted class column");
        probabilityCol = new Param<>(this, "probabilityCol", "the class probabilities column");
        setDefault(featuresCols, new String[] {"features"});
        setDefault(predictionCol, PREDICTION);
        setDefault(probabilityCol, PROBABILITY);
    }

    @Override
    public String uid() {
        return uid;
    }

    public StringArrayParam featuresCols() {
        return featuresCols;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public String[] getFeaturesCols() {
        return $(featuresCols);
    }

    public String getPredictionCol() {
        return $(predictionCol);
    }

    public String getProbabilityCol() {
        return $(probabilityCol);
    }

    public DistilledModel setFeaturesCols(String[] columns) {
        set(featuresCols, columns);
        return this;
    }

    public DistilledModel setPredictionCol(String column) {
        set(predictionCol, column);
        return this;
    }

    public DistilledModel setProbabilityCol(String column) {
        set(probabilityCol, column);
        return this;
    }

    /** The student as a DL4J model zip, as {@code distill} writes {@code student.zip}. */
    public byte[] studentZip() {
        return studentZip.clone();
    }

    /** The shape of one example the student takes. */
    public int[] exampleShape() {
        return shape.clone();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        for (String added : List.of(getPredictionCol(), getProbabilityCol())) {
            if (Arrays.asList(schema.fieldNames()).contains(added)) {
                throw new InvalidInputException("DistilledModel: the input already has a column '" + added
                        + "'; set predictionCol or probabilityCol to another name");
            }
        }
        FeatureColumns.asFloats(schema, List.of(getFeaturesCols()), shape, "DistilledModel input");
        return withScores(schema, getPredictionCol(), getProbabilityCol());
    }

    /** {@code schema} with the predicted class and the class probabilities appended under those names. */
    static StructType withScores(StructType schema, String prediction, String probability) {
        return schema.add(prediction, DataTypes.DoubleType, false, Metadata.empty())
                .add(probability, SQLDataTypes.VectorType(), false, Metadata.empty());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> withFeatures = dataset.toDF().withColumn(FEATURES, FeatureColumns.asFloats(dataset.schema(),
                List.of(getFeaturesCols()), shape, "DistilledModel input"));
        int featuresIndex = withFeatures.schema().fieldIndex(FEATURES);
        JavaRDD<Row> scored = withFeatures.toJavaRDD().mapPartitions(new Scorer(studentZip, featuresIndex));
        return dataset.sparkSession().createDataFrame(scored, out);
    }

    @Override
    public DistilledModel copy(ParamMap extra) {
        return copyValues(new DistilledModel(uid, studentZip, shape), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    @Override
    public void save(String path) throws IOException {
        write().save(path);
    }

    /** The reader Spark ML's persistence, {@code PipelineModel.load} among it, finds by reflection. */
    public static MLReader<DistilledModel> read() {
        return new Reader();
    }

    /** The model saved at {@code path}. */
    public static DistilledModel load(String path) {
        return read().load(path);
    }

    /** The student's DL4J zip inside the model saved at {@code path}: {@code data/student.zip}. */
    private static StoragePath savedZip(SparkSession spark, String path) {
        return StoragePath.of(path, spark.sparkContext().hadoopConfiguration()).child("data").child("student.zip");
    }

    /** Writes the metadata as Spark ML's stages do, and the student's zip. */
    private static final class Writer extends MLWriter {
        private final DistilledModel model;

        Writer(DistilledModel model) {
            this.model = model;
        }

        /** Saves, replacing (with {@code overwrite()}) only a model saved here before, never anything else. */
        @Override
        public void save(String path) throws IOException {
            StoragePath target = StoragePath.of(path, sparkSession().sparkContext().hadoopConfiguration());
            if (shouldOverwrite() && target.exists()) {
                StageMetadata.requireSavedStage(sparkSession(), path, DistilledModel.class);
            }
            super.save(path);
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            StageMetadata.write(spark, path, model, List.of(
                    StageMetadata.entry("featuresCols", model.getFeaturesCols()),
                    StageMetadata.entry("predictionCol", model.getPredictionCol()),
                    StageMetadata.entry("probabilityCol", model.getProbabilityCol())),
                    List.of(StageMetadata.entry("shape", model.shape)));
            StoragePath zip = savedZip(spark, path);
            try (OutputStream stream = zip.create()) {
                stream.write(model.studentZip);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + zip.describe() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads what {@link Writer} wrote. */
    private static final class Reader extends MLReader<DistilledModel> {
        @Override
        public DistilledModel load(String path) {
            SparkSession spark = sparkSession();
            StageMetadata metadata = StageMetadata.read(spark, path, DistilledModel.class);
            StoragePath zip = savedZip(spark, path);
            byte[] bytes;
            try (InputStream stream = zip.open()) {
                bytes = stream.readAllBytes();
            } catch (IOException e) {
                throw new InvalidInputException("saved DistilledModel " + path + ": " + zip.describe()
                        + " is unreadable: " + e.getMessage(), e);
            }
            DistilledModel model = new DistilledModel(metadata.uid(), bytes, metadata.ints("shape"));
            model.setFeaturesCols(metadata.strings("featuresCols"));
            model.setPredictionCol(metadata.string("predictionCol"));
            model.setProbabilityCol(metadata.string("probabilityCol"));
            return model;
        }
    }
}
