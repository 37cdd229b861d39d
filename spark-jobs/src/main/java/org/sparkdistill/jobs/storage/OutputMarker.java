package org.sparkdistill.jobs.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * The files that mark a directory as an output of a spark-distill command: {@value #FILE_NAME}, written last, marks
 * it complete; {@value #PENDING_NAME}, written with the data, marks one that is being published.
 *
 * <p>Readers of an output require {@value #FILE_NAME}: on an object store, where a rename copies file by file, a
 * directory without it may be incomplete. Only a directory marked by the same command (or an empty one) may be
 * replaced when overwriting is asked for: anything else at an output path was not written by spark-distill and is
 * never deleted. Both names start with an underscore, so Spark and Hadoop, which skip such files when they read a
 * table, read a marked Parquet output as the table alone. Stateless and thread-safe.
 */
public final class OutputMarker {
    /** The marker of a complete output. */
    public static final String FILE_NAME = "_SPARK_DISTILL_OUTPUT";
    /** The marker of an output being published, removed once {@value #FILE_NAME} is written. */
    public static final String PENDING_NAME = "_SPARK_DISTILL_PENDING";
    private static final String KEY = "command=";
    /** The largest marker read; one holds a command's name. */
    private static final int MAX_BYTES = 4096;

    private OutputMarker() {}

    /** Writes the marker {@code name} naming {@code command} into {@code directory}. */
    static void write(StoragePath directory, String name, String command) throws IOException {
        directory.child(name).writeText(KEY + command + "\n");
    }

    /** The command named by the complete-output marker in {@code directory}, or empty when it has none. */
    public static Optional<String> command(StoragePath directory) {
        return read(directory, FILE_NAME);
    }

    /** The command named by the marker {@code name} in {@code directory}, or empty when it has no readable one. */
    static Optional<String> read(StoragePath directory, String name) {
        StoragePath marker = directory.child(name);
        try {
            if (!marker.isFile()) {
                return Optional.empty();
            }
            String text = marker.readText(MAX_BYTES, "output marker").strip();
            return text.startsWith(KEY) ? Optional.of(text.substring(KEY.length())) : Optional.empty();
        } catch (RuntimeException unreadable) {
            // an unreadable marker marks nothing: the directory is then treated as foreign, which is the safe side
            return Optional.empty();
        }
    }
}
