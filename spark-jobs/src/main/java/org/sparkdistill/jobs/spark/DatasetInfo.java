package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.sparkdistill.core.InvalidInputException;

/**
 * What a prepared Parquet dataset holds beyond its rows: the shape of one example, the class count and the row count.
 *
 * <p>Stored as {@value #FILE_NAME} inside the Parquet directory, where Spark's readers skip it (a leading underscore).
 */
public record DatasetInfo(int[] shape, int numClasses, long rows) implements Serializable {
    public static final String FILE_NAME = "_spark_distill.properties";
    static final String FORMAT = "spark-distill-dataset/1";

    public DatasetInfo {
        shape = shape.clone();
    }

    public int featureCount() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    public void writeTo(Path directory) throws IOException {
        String text = "format=" + FORMAT + "\nshape=" + String.join(",", Arrays.stream(shape).mapToObj(String::valueOf).toList())
                + "\nnumClasses=" + numClasses + "\nrows=" + rows + "\n";
        Files.writeString(directory.resolve(FILE_NAME), text, StandardCharsets.UTF_8);
    }

    /** Reads the info of a prepared dataset directory. */
    public static DatasetInfo readFrom(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(directory + " has no " + FILE_NAME
                    + "; Parquet input must come from the 'prepare' job, which records the example shape and class count");
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new InvalidInputException(file + " has format " + p.getProperty("format") + "; expected " + FORMAT);
            }
            int[] shape = Arrays.stream(p.getProperty("shape", "").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            return new DatasetInfo(shape, Integer.parseInt(p.getProperty("numClasses")), Long.parseLong(p.getProperty("rows")));
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException(file + " is not a readable dataset description: " + e, e);
        }
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
