package org.sparkdistill.jobs.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.sparkdistill.core.InvalidInputException;

/**
 * Publishes a command's output directory on any Hadoop file system: data first, the {@link OutputMarker} last.
 *
 * <p>The directory is written under a hidden name beside the target ({@code .<name>.writing-<token>}), holding a
 * pending marker from the start; then an earlier output being replaced loses its marker and is renamed aside, the new
 * directory is renamed into place, and only then is the complete-output marker written and the earlier output
 * deleted. Where rename is atomic (HDFS, local disks) readers see the old directory or the new one; on an object
 * store, where a rename copies file by file, a reader that requires the marker (as every reader here does) never
 * takes a half-copied directory for an output. A run that fails before the rename removes what it staged and leaves
 * the earlier output as it was; if the new directory cannot be renamed into place, the earlier one is moved back
 * with its marker.
 *
 * <p>Nothing is deleted that the run did not write or was not told is replaceable: an existing target is replaced
 * only with overwrite, and only when it is empty or marked (complete or pending) by the same command; this is
 * checked before the writer starts and again just before the rename. Stateless and thread-safe.
 */
public final class PublishedOutput {
    /** Writes the contents of an output directory. */
    @FunctionalInterface
    public interface Writer {
        void writeInto(StoragePath directory) throws IOException;
    }

    /** Renames a path; {@link StoragePath#renameTo} outside tests. */
    @FunctionalInterface
    interface Renamer {
        void rename(StoragePath from, StoragePath to) throws IOException;
    }

    private static final Renamer RENAME = StoragePath::renameTo;

    private PublishedOutput() {}

    /**
     * Publishes the output of {@code command} at {@code target}.
     *
     * @param overwrite whether an existing target may be replaced, as {@link #requireReplaceable} allows
     * @throws InvalidInputException when the target may not be replaced
     * @throws UncheckedIOException when the file system fails; nothing is then left half-written at the target
     */
    public static void publish(StoragePath target, String command, boolean overwrite, Writer writer) {
        publish(target, command, overwrite, writer, RENAME);
    }

    /**
     * Refuses an existing {@code target} that the output of {@code command} may not replace; a missing one passes.
     *
     * <p>Without {@code overwrite} every existing path is refused (Spark's {@code SaveMode.ErrorIfExists}). With it,
     * an empty directory and a directory marked by {@code command} pass; a file, and a directory that spark-distill
     * did not write (no marker) or that another command wrote, are refused.
     *
     * @throws InvalidInputException naming the target and why it is refused
     */
    public static void requireReplaceable(StoragePath target, String command, boolean overwrite) {
        FileStatus status = target.status();
        if (status == null) {
            return;
        }
        String output = "output " + target.describe();
        if (!status.isDirectory()) {
            throw new InvalidInputException(output + " is an existing file, not a directory; it is never replaced,"
                    + " even with --overwrite: remove it yourself or choose another output");
        }
        if (!overwrite) {
            throw new InvalidInputException(output + " already exists; give --overwrite (overwrite: true) to replace"
                    + " an earlier output of '" + command + "', or choose another output");
        }
        if (target.list().isEmpty()) {
            return;
        }
        Optional<String> writer = OutputMarker.command(target)
                .or(() -> OutputMarker.read(target, OutputMarker.PENDING_NAME));
        if (writer.isEmpty()) {
            throw new InvalidInputException(output + " cannot be replaced: it was not written by spark-distill (it"
                    + " has no " + OutputMarker.FILE_NAME + " file) and is not empty; it is left as it is: remove it"
                    + " yourself or choose another output");
        }
        if (!writer.get().equals(command)) {
            throw new InvalidInputException(output + " cannot be replaced: it was written by '" + writer.get()
                    + "', not by '" + command + "'; it is left as it is: remove it yourself or choose another output");
        }
    }

    /** Writes the contents of an output file. */
    @FunctionalInterface
    public interface FileWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Publishes a one-file output at {@code target}: written under a hidden name beside it, then renamed into place,
     * replacing a file there, which the caller has checked may be replaced ({@code OutputRules}). A writer that fails
     * leaves the earlier file as it was and nothing beside it.
     */
    public static void publishFile(StoragePath target, FileWriter writer) {
        StoragePath staging = target.sibling("." + target.name() + ".writing-"
                + UUID.randomUUID().toString().substring(0, 8));
        boolean inPlace = false;
        try {
            try (OutputStream out = staging.create()) {
                writer.writeTo(out);
            }
            // File systems do not rename over an existing file; the caller allowed it to be replaced.
            target.delete();
            staging.renameTo(target);
            inPlace = true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write output file " + target.describe() + ": " + e.getMessage(),
                    e);
        } finally {
            if (!inPlace) {
                deleteQuietly(staging);
            }
        }
    }

    /** {@link #publish} with the rename given, so that a failing rename can be tested. */
    static void publish(StoragePath target, String command, boolean overwrite, Writer writer, Renamer renamer) {
        requireReplaceable(target, command, overwrite);
        String token = UUID.randomUUID().toString().substring(0, 8);
        StoragePath staging = target.sibling("." + target.name() + ".writing-" + token);
        StoragePath previous = target.sibling("." + target.name() + ".replaced-" + token);
        boolean inPlace = false;
        try {
            staging.mkdirs();
            OutputMarker.write(staging, OutputMarker.PENDING_NAME, command);
            writer.writeInto(staging);
            // Something may have appeared at the target while the writer ran.
            requireReplaceable(target, command, overwrite);
            boolean movedAside = target.exists() && moveAside(target, previous, command, renamer);
            try {
                renamer.rename(staging, target);
            } catch (IOException e) {
                if (movedAside) {
                    moveBack(previous, target, command, renamer, e);
                }
                throw e;
            }
            inPlace = true;
            OutputMarker.write(target, OutputMarker.FILE_NAME, command);
            target.child(OutputMarker.PENDING_NAME).delete();
            previous.delete();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write output directory " + target.describe() + ": "
                    + e.getMessage(), e);
        } finally {
            // Whatever stopped the writer, including an exception Scala code throws undeclared (Spark's), the
            // half-written directory goes.
            if (!inPlace) {
                deleteQuietly(staging);
            }
        }
    }

    /** Unmarks the earlier output, so no reader takes it for complete while it moves, and renames it aside. */
    private static boolean moveAside(StoragePath target, StoragePath previous, String command, Renamer renamer)
            throws IOException {
        boolean marked = target.child(OutputMarker.FILE_NAME).exists();
        target.child(OutputMarker.FILE_NAME).delete();
        try {
            renamer.rename(target, previous);
        } catch (IOException e) {
            if (marked) {
                OutputMarker.write(target, OutputMarker.FILE_NAME, command);
            }
            throw e;
        }
        return true;
    }

    /** Puts the earlier output back, with its marker, after the new one could not be renamed into place. */
    private static void moveBack(StoragePath previous, StoragePath target, String command, Renamer renamer,
            IOException failure) {
        try {
            renamer.rename(previous, target);
            if (!target.child(OutputMarker.PENDING_NAME).exists() && !target.list().isEmpty()) {
                OutputMarker.write(target, OutputMarker.FILE_NAME, command);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(new IOException("the earlier " + target.describe() + " could not be moved back and"
                    + " is now " + previous.describe(), e));
        }
    }

    private static void deleteQuietly(StoragePath path) {
        try {
            path.delete();
        } catch (IOException | RuntimeException suppressed) {
            // the failure that brought us here is the one to report
        }
    }
}
