package org.sparkdistill.jobs.data;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * What {@code prepare} records beside its Parquet table, in {@value DatasetInfo#FILE_NAME}: the {@link DatasetInfo}
 * and, for string labels, the {@link LabelIndex} (property {@value #LABELS}, the index's JSON).
 *
 * @param labels the label index, or null when the labels were integers
 */
record PreparedDescription(DatasetInfo info, LabelIndex labels) {
    static final String LABELS = "labels";

    /**
     * The description in {@code directory}, or null when it has none (a table not written by {@code prepare}).
     *
     * @throws org.sparkdistill.core.InvalidInputException naming the file when it is there but unreadable
     */
    static PreparedDescription readIfPresent(String directory, Configuration conf) {
        StoragePath stored = StoragePath.of(directory, conf).child(DatasetInfo.FILE_NAME);
        if (!stored.isFile()) {
            return null;
        }
        String text = stored.readText(DatasetInfo.MAX_FILE_BYTES, "dataset description");
        String file = stored.describe();
        Properties properties = DatasetInfo.properties(text, file);
        String labels = properties.getProperty(LABELS);
        return new PreparedDescription(DatasetInfo.parse(properties, file),
                labels == null ? null : LabelIndex.fromJson(labels, file + " (" + LABELS + ")"));
    }

    /** Writes the description into {@code directory}. */
    void writeTo(String directory, Configuration conf) throws IOException {
        String text = info.toText();
        if (labels != null) {
            text += labelsProperty();
        }
        StoragePath.of(directory, conf).child(DatasetInfo.FILE_NAME).writeText(text);
    }

    /** The label index as one escaped properties line, without the date comment {@link Properties#store} adds. */
    private String labelsProperty() {
        Properties p = new Properties();
        p.setProperty(LABELS, labels.toJson().strip());
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().lines().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    }
}
