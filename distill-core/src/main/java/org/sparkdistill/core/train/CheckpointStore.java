package org.sparkdistill.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A directory of checkpoint folders on some file system, where each folder appears complete or not at all.
 *
 * <p>{@link LocalCheckpointStore} keeps them on a local disk; the Spark jobs add one for any Hadoop file system
 * (HDFS, S3A, …). {@link Checkpoints} decides what goes into a folder.
 */
public interface CheckpointStore {

    /** Opens a new file in a folder being written. */
    @FunctionalInterface
    interface FileSink {
        OutputStream create(String file) throws IOException;
    }

    /** Writes the files of one folder. */
    @FunctionalInterface
    interface FolderWriter {
        void write(FileSink sink) throws IOException;
    }

    /** Creates folder {@code name} with the files {@code writer} writes, atomically: written aside, then renamed. */
    void publish(String name, FolderWriter writer);

    /** The names of the complete folders. */
    List<String> folders();

    /** Opens file {@code file} of folder {@code name}. */
    InputStream open(String name, String file) throws IOException;

    /** Where folder {@code name} is, for messages. */
    String locate(String name);
}
