package org.sparkdistill.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file that marks a directory as a complete output of a spark-distill command, and names that command.
 *
 * <p>Publishing writes the data first and this marker last, so a directory with the marker is complete even on an
 * object store that does not rename atomically. Only a directory with the marker of the same command (or an empty
 * one) may be replaced when overwriting is asked for: anything else at an output path was not written by
 * spark-distill and is never deleted. The name starts with an underscore, so Spark and Hadoop, which skip such files
 * when they read a table, read a marked Parquet output as the table alone. Stateless and thread-safe.
 */
public final class OutputMarker {
    /** The marker's file name inside an output directory. */
    public static final String FILE_NAME = "_SPARK_DISTILL_OUTPUT";
    private static final String KEY = "command=";

    private OutputMarker() {}

    /** Writes the marker naming {@code command} into {@code directory}. */
    static void write(Path directory, String command) throws IOException {
        Files.writeString(directory.resolve(FILE_NAME), KEY + command + "\n", StandardCharsets.UTF_8);
    }

    /** The command named by the marker in {@code directory}, or empty when it has no readable marker. */
    public static Optional<String> command(Path directory) {
        Path marker = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(marker)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(marker, StandardCharsets.UTF_8).strip();
            return text.startsWith(KEY) ? Optional.of(text.substring(KEY.length())) : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            // an unreadable marker marks nothing: the directory is then treated as foreign, which is the safe side
            return Optional.empty();
        }
    }
}
