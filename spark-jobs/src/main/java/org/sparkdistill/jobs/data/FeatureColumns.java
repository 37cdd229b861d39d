package org.sparkdistill.jobs.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * Turns the configured feature column or columns of a table into one {@code array<float>} column, checking their
 * types against the table's schema before any job runs. Stateless and thread-safe.
 *
 * <p>One column may be an array of numbers, a Spark ML vector (dense or sparse, through Spark ML's
 * {@code vector_to_array}), a vector in the struct form Spark stores it in ({@code type, size, indices, values}: what
 * a Parquet file holds, read without its ML type), an image of Spark's image schema, or the bytes of image files (both
 * decoded by
 * {@link ImagePixels} to the configured shape). Several columns, or one name with {@code *} (matching any
 * characters) standing for the columns it matches in the table's order, must each be a number; they are assembled
 * into the array in that order.
 */
public final class FeatureColumns {
    static final ArrayType FLOATS = DataTypes.createArrayType(DataTypes.FloatType);
    private static final String KEY = "data.features";
    private static final Set<String> IMAGE_FIELDS = Set.of("origin", "height", "width", "nChannels", "mode", "data");
    private static final Set<String> VECTOR_FIELDS = Set.of("type", "size", "indices", "values");

    private FeatureColumns() {}

    /**
     * The features as one column.
     *
     * @param origin where each image comes from when the features are images, for {@link ExampleTables} to name
     *     the files that could not be decoded (their features are null); null otherwise
     * @param width the number of features every row has, when the schema alone fixes it (assembled columns); else 0
     */
    record Features(Column column, Column origin, int width) {}

    /**
     * The features {@code names} select in a table of {@code schema}, as one {@code array<float>} column, as training
     * reads them; for scoring a table with a trained model.
     *
     * @param shape the model's example shape; images are decoded to it
     * @throws InvalidInputException naming the column, its type and what was expected
     */
    public static Column asFloats(StructType schema, List<String> names, int[] shape, String source) {
        return of(schema, names, shape, source).column();
    }

    /**
     * @param shape the configured example shape, or null; images need it as [channels, height, width]
     * @param source the table as the configuration names it, for messages
     * @throws InvalidInputException naming the column, its type and what was expected
     */
    static Features of(StructType schema, List<String> names, int[] shape, String source) {
        if (names.size() == 1 && !names.get(0).contains("*")) {
            return single(schema, names.get(0), shape, source);
        }
        List<String> columns = names.size() == 1 ? matching(schema, names.get(0), source) : names;
        List<Column> values = new ArrayList<>();
        for (String name : columns) {
            StructField field = field(schema, name, KEY, source);
            if (!(field.dataType() instanceof NumericType)) {
                throw new InvalidInputException(source + ": column '" + name + "' of " + KEY + " has type "
                        + field.dataType().simpleString() + ", but assembled feature columns must be numbers"
                        + (field.dataType().equals(DataTypes.StringType) ? " (for csv, is data.options.inferSchema"
                                + " false, or does the column hold a value that is not a number?)" : ""));
            }
            values.add(col(quoted(name)).cast(DataTypes.FloatType));
        }
        return new Features(array(values.toArray(new Column[0])), null, columns.size());
    }

    private static Features single(StructType schema, String name, int[] shape, String source) {
        StructField field = field(schema, name, KEY, source);
        DataType type = field.dataType();
        Column column = col(quoted(name));
        if (type instanceof ArrayType array && array.elementType() instanceof NumericType) {
            boolean floats = array.elementType().equals(DataTypes.FloatType);
            return new Features(floats ? column : column.cast(FLOATS), null, 0);
        }
        if (type instanceof VectorUDT) {
            return new Features(org.apache.spark.ml.functions.vector_to_array(column, "float32"), null, 0);
        }
        if (type instanceof StructType struct && fieldNames(struct).equals(VECTOR_FIELDS)) {
            return new Features(storedVector(column), null, 0);
        }
        if (type instanceof StructType struct && fieldNames(struct).containsAll(IMAGE_FIELDS)) {
            return new Features(udf(images(name, shape, source).ofImageRows(), FLOATS).apply(column),
                    column.getField("origin"), 0);
        }
        if (type.equals(DataTypes.BinaryType)) {
            Column origin = find(schema, ExampleTables.IMAGE_PATH) != null ? col(ExampleTables.IMAGE_PATH)
                    : lit("a row of column " + name);
            return new Features(udf(images(name, shape, source).ofFiles(), FLOATS).apply(column), origin, 0);
        }
        if (type instanceof NumericType) {
            return new Features(array(column.cast(DataTypes.FloatType)), null, 1);
        }
        throw new InvalidInputException(source + ": column '" + name + "' of " + KEY + " has type "
                + type.simpleString() + ", but must be an array<float> or array<double>, a Spark ML vector, an image"
                + " (Spark's image schema, or image file bytes), or numbers (a list of columns, or a name with *)");
    }

    private static ImagePixels images(String name, int[] shape, String source) {
        if (shape == null || shape.length != 3) {
            throw new InvalidInputException(source + ": column '" + name + "' holds images; set data.shape to the "
                    + "shape to decode them to, [channels, height, width] with 1 (grey) or 3 (RGB) channels; got "
                    + (shape == null ? "none" : Arrays.toString(shape)));
        }
        return new ImagePixels(shape[0], shape[1], shape[2]);
    }

    /** A dense vector's values, or a sparse vector's values placed at their indices among zeros. */
    private static Column storedVector(Column vector) {
        Column values = vector.getField("values").cast(FLOATS);
        Column indices = vector.getField("indices");
        Column sparse = transform(sequence(lit(0), vector.getField("size").minus(1)), i -> {
            Column at = array_position(indices, i).cast("int");
            return when(at.gt(0), element_at(values, at)).otherwise(lit(0f));
        });
        // VectorUDT writes type 0 for sparse and 1 for dense vectors.
        return when(vector.isNull(), lit(null).cast(FLOATS))
                .when(vector.getField("type").equalTo(1), values).otherwise(sparse);
    }


    private static List<String> matching(StructType schema, String glob, String source) {
        Pattern pattern = Pattern.compile(Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")));
        List<String> names = Arrays.stream(schema.fieldNames()).filter(n -> pattern.matcher(n).matches()).toList();
        if (names.isEmpty()) {
            throw new InvalidInputException(source + ": " + KEY + " = [" + Excerpt.quoted(glob) + "] matches no column;"
                    + " the columns are " + String.join(", ", schema.fieldNames()));
        }
        return names;
    }

    /**
     * The field named {@code name}, or null.
     */
    static StructField find(StructType schema, String name) {
        for (StructField field : schema.fields()) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }

    /**
     * The field named {@code name}.
     *
     * @param key the setting that names the column, for messages
     * @throws InvalidInputException naming the column, the key and the table's columns when there is none
     */
    static StructField field(StructType schema, String name, String key, String source) {
        StructField field = find(schema, name);
        if (field == null) {
            throw new InvalidInputException(source + " has no column " + Excerpt.quoted(name) + " (" + key + "); its"
                    + " columns are " + Excerpt.of(String.join(", ", schema.fieldNames())));
        }
        return field;
    }

    /** The name as a column reference, so that dots and spaces in it are not read as structure. */
    static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static Set<String> fieldNames(StructType struct) {
        return Set.of(struct.fieldNames());
    }
}
