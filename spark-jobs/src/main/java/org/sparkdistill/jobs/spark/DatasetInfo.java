package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Properties;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * What a prepared Parquet dataset holds beyond its rows: the shape of one example, the class count and the row count.
 *
 * <p>Stored as {@value #FILE_NAME} inside the Parquet directory, where Spark's readers skip it (a leading underscore).
 */
public record DatasetInfo(int[] shape, int numClasses, long rows) implements Serializable {
    public static final String FILE_NAME = "_spark_distill.properties";
    static final String FORMAT = "spark-distill-dataset/1";
    /** The largest description read; one written by {@code prepare} takes about 100 bytes, and the label index more. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    public DatasetInfo {
        shape = shape.clone();
    }

    public int featureCount() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    public void writeTo(StoragePath directory) throws IOException {
        directory.child(FILE_NAME).writeText(toText());
    }

    /** The description as the lines of a properties file. */
    public String toText() {
        return "format=" + FORMAT + "\nshape=" + String.join(",", Arrays.stream(shape).mapToObj(String::valueOf).toList())
                + "\nnumClasses=" + numClasses + "\nrows=" + rows + "\n";
    }

    /**
     * Reads the info of a prepared dataset directory.
     *
     * @throws InvalidInputException naming the file when it is missing, larger than {@value #MAX_FILE_BYTES} bytes,
     *     of another format, or holds a dimension below 1, fewer than 2 classes or a negative row count
     */
    public static DatasetInfo readFrom(StoragePath directory) {
        StoragePath file = directory.child(FILE_NAME);
        if (!file.isFile()) {
            throw new InvalidInputException(Excerpt.of(directory.describe()) + " has no " + FILE_NAME
                    + "; Parquet input must come from the 'prepare' job, which records the example shape and class count");
        }
        String where = Excerpt.of(file.describe());
        return parse(properties(file.readText(MAX_FILE_BYTES, "dataset description"), where), where);
    }

    /**
     * The properties of a dataset description's text.
     *
     * @param file where the text comes from, for messages
     * @throws InvalidInputException naming {@code file} when the text is not a properties file
     */
    public static Properties properties(String text, String file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(file + " is not a readable dataset description: " + Excerpt.of(e), e);
        }
        return p;
    }

    /**
     * The description the properties of a description file hold.
     *
     * @param file where they come from, for messages
     * @throws InvalidInputException naming {@code file} when they are of another format, or hold a dimension below
     *     1, fewer than 2 classes or a negative row count
     */
    public static DatasetInfo parse(Properties p, String file) {
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new InvalidInputException(Excerpt.of(file) + " has format " + Excerpt.of(p.getProperty("format"))
                    + "; expected " + FORMAT);
        }
        String shapeText = p.getProperty("shape", "");
        int[] shape = Arrays.stream(shapeText.split(",", -1))
                .mapToInt(s -> (int) number(file, "shape", s, 1, Integer.MAX_VALUE)).toArray();
        // Each factor is at most 2^31 and the product is capped at 2^31, so it never overflows a long.
        long features = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> Math.min(a * b, 1L << 31));
        if (features > Integer.MAX_VALUE) {
            throw new InvalidInputException(Excerpt.of(file) + ": shape = " + Excerpt.quoted(shapeText)
                    + " holds more than " + Integer.MAX_VALUE + " features per example");
        }
        int numClasses = (int) number(file, "numClasses", p.getProperty("numClasses"), 2, Integer.MAX_VALUE);
        return new DatasetInfo(shape, numClasses, number(file, "rows", p.getProperty("rows"), 0, Long.MAX_VALUE));
    }

    private static long number(String file, String key, String text, long min, long max) {
        try {
            long value = Long.parseLong(text == null ? "" : text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the valid range
        }
        throw new InvalidInputException(file + ": " + key + " = " + Excerpt.quoted(text)
                + ": must be an integer in [" + min + ", " + max + "]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetInfo other && Arrays.equals(shape, other.shape) && numClasses == other.numClasses
                && rows == other.rows;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + numClasses) + Long.hashCode(rows);
    }

    @Override
    public String toString() {
        return "DatasetInfo(shape=" + Arrays.toString(shape) + ", numClasses=" + numClasses + ", rows=" + rows + ")";
    }
}
