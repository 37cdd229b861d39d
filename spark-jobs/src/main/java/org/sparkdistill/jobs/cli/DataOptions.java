package org.sparkdistill.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.jobs.config.DataConfig;
import picocli.CommandLine.Option;

/**
 * The options that describe one table for the commands that read data without a configuration file ({@code prepare},
 * {@code evaluate}): the same settings as the {@code data.*} keys of the distill configuration.
 */
final class DataOptions {
    @Option(names = "--table", paramLabel = "DB.NAME", description = "A catalog table instead of a path (data.table).")
    String table;

    @Option(names = "--format", paramLabel = "NAME",
            description = "Spark data source of the path: parquet, orc, csv, json, image or any other"
                    + " (default: parquet; data.format).")
    String format;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "An option of the data source, e.g. --option delimiter=';' (data.options).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--features", split = ",", paramLabel = "COLUMN",
            description = "Feature column, or columns to assemble (comma-separated, or a name with *)"
                    + " (default: features; data.features).")
    List<String> features;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column (default: label; data.label).")
    String label;

    @Option(names = "--id", paramLabel = "COLUMN", description = "Id column (default: id; data.id).")
    String id;

    @Option(names = "--shape", split = ",", paramLabel = "N", description = "Example shape, e.g. 1,28,28 (data.shape).")
    List<Integer> shape;

    @Option(names = "--classes", paramLabel = "N", description = "Class count; default: from the data (data.classes).")
    int classes;

    @Option(names = "--labels", split = ",", paramLabel = "NAME",
            description = "String labels in class order, fixing the label index (data.labels).")
    List<String> labels = new ArrayList<>();

    /**
     * The description of the table at {@code path}, or of {@code --table} when {@code path} is null.
     *
     * @throws org.sparkdistill.core.InvalidInputException naming the setting when a value is invalid
     */
    DataConfig toConfig(String path) {
        return DataConfig.of(path, table, format, Map.copyOf(options), features, label, id, shape, classes, labels);
    }
}
