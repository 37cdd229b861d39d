package org.sparkdistill.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * Reads labelled examples from CSV rows {@code label,f1,...,fD} (the layout of the Kaggle Fashion-MNIST CSV files).
 *
 * <p>A first line whose first field is not an integer, such as {@code label,pixel1,...}, is a header and is skipped.
 * Blank lines are skipped. Fields are split on commas; quoting is not supported. An empty field, NaN or an infinite
 * value (including one too large for a float) is refused with its line and column. Feature values are taken as they
 * are, without scaling: Fashion-MNIST pixels in a CSV file stay in [0, 255] unless the caller rescales them.
 * Stateless and thread-safe.
 */
public final class CsvExamples {
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private CsvExamples() {}

    /**
     * Reads every data row of {@code file}; the examples are named after the file.
     *
     * @param numClasses the number of classes, ≥ 2; every label must be in {@code [0, numClasses)}
     * @param shape the shape of one row's features, whose product must be {@code D}, or null for {@code [D]} taken
     *     from the first data row
     * @throws InvalidInputException naming the file, line and column of the first row that cannot be read
     */
    public static Examples read(Path file, int numClasses, int[] shape) {
        if (numClasses < 2) {
            throw new InvalidInputException("CSV file " + file + ": numClasses = " + numClasses + "; must be >= 2");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("CSV file " + file + " does not exist");
        }
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int width = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            boolean first = true;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK)) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                boolean header = first && !isInteger(fields[0].trim());
                first = false;
                if (header) {
                    continue;
                }
                if (width < 0) {
                    width = fields.length - 1;
                }
                if (fields.length != width + 1) {
                    throw new InvalidInputException("CSV file " + file + " line " + lineNumber + " has " + fields.length
                            + " fields; expected " + (width + 1) + " (label then " + width + " features)");
                }
                labels.add(label(fields[0].trim(), numClasses, file, lineNumber));
                float[] features = new float[width];
                for (int c = 0; c < width; c++) {
                    features[c] = feature(fields[c + 1].trim(), file, lineNumber, c + 2);
                }
                rows.add(features);
            }
        } catch (IOException e) {
            throw new InvalidInputException("CSV file " + file + " cannot be read: " + e, e);
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException("CSV file " + file + " has no data rows");
        }
        int[] rowShape = shape == null ? new int[] {width} : shape.clone();
        long shapeSize = Arrays.stream(rowShape).asLongStream().reduce(1, (a, b) -> a * b);
        if (shapeSize != width) {
            throw new InvalidInputException("CSV file " + file + " rows have " + width + " features but the shape "
                    + Arrays.toString(rowShape) + " holds " + shapeSize);
        }
        float[] features = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, features, r * width, width);
        }
        return new Examples(file.getFileName().toString(), features,
                labels.stream().mapToInt(Integer::intValue).toArray(), rowShape, numClasses);
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The feature in column {@code column} (1-based, the label being column 1), which must be a finite number. */
    private static float feature(String text, Path file, int lineNumber, int column) {
        String where = "CSV file " + Excerpt.of(file) + " line " + lineNumber + " column " + column;
        if (text.isEmpty()) {
            throw new InvalidInputException(where + ": the feature is empty; every feature must be a finite number");
        }
        float value;
        try {
            value = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(where + ": " + Excerpt.quoted(text) + " is not a number");
        }
        if (!Float.isFinite(value)) {
            throw new InvalidInputException(where + ": " + Excerpt.quoted(text) + " is not a finite number (as a"
                    + " float it is " + value + "); every feature must be finite");
        }
        return value;
    }

    private static int label(String text, int numClasses, Path file, int lineNumber) {
        if (text.isEmpty()) {
            throw new InvalidInputException("CSV file " + Excerpt.of(file) + " line " + lineNumber + " column 1: the"
                    + " label is empty; every row needs a label in [0, " + (numClasses - 1) + "]");
        }
        try {
            int label = Integer.parseInt(text);
            if (label < 0 || label >= numClasses) {
                throw new InvalidInputException("CSV file " + file + " line " + lineNumber + ": label " + label
                        + " is outside [0, " + (numClasses - 1) + "] for " + numClasses + " classes");
            }
            return label;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("CSV file " + Excerpt.of(file) + " line " + lineNumber + ": label "
                    + Excerpt.quoted(text) + " is not an integer");
        }
    }
}
