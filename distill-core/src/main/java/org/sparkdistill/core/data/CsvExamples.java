package org.sparkdistill.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Reads labelled examples from CSV rows {@code label,f1,...,fD} (the layout of the Fashion-MNIST CSV files).
 *
 * <p>A first line whose first field is not an integer is a header. Values are taken as they are, without scaling.
 */
public final class CsvExamples {
    private CsvExamples() {}

    /**
     * @param shape the shape of one row's features, or null for {@code [D]} from the first data row
     */
    public static Examples read(Path file, int numClasses, int[] shape) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("CSV file " + file + " does not exist");
        }
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int width = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (lineNumber == 1 && !isInteger(fields[0].trim())) {
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
                    try {
                        features[c] = Float.parseFloat(fields[c + 1].trim());
                    } catch (NumberFormatException e) {
                        throw new InvalidInputException("CSV file " + file + " line " + lineNumber + " column " + (c + 2)
                                + ": '" + fields[c + 1] + "' is not a number");
                    }
                }
                rows.add(features);
            }
        } catch (IOException e) {
            throw new InvalidInputException("CSV file " + file + " cannot be read: " + e, e);
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException("CSV file " + file + " has no data rows");
        }
        float[] features = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, features, r * width, width);
        }
        return new Examples(file.getFileName().toString(), features, labels.stream().mapToInt(Integer::intValue).toArray(),
                shape == null ? new int[] {width} : shape, numClasses);
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int label(String text, int numClasses, Path file, int lineNumber) {
        try {
            int label = Integer.parseInt(text);
            if (label < 0 || label >= numClasses) {
                throw new InvalidInputException("CSV file " + file + " line " + lineNumber + ": label " + label
                        + " is outside [0, " + (numClasses - 1) + "] for " + numClasses + " classes");
            }
            return label;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("CSV file " + file + " line " + lineNumber + ": label '" + text
                    + "' is not an integer");
        }
    }
}
