package org.sparkdistill.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.sparkdistill.core.InvalidInputException;

/**
 * Publishes a directory all at once: it is written beside the target, then renamed into place.
 *
 * <p>A reader sees either the previous complete output or the new complete output, never a half-written one; a job
 * that fails leaves the previous output untouched and removes what it had written. Nothing is deleted that the caller
 * did not declare replaceable: {@link #publish} refuses an existing target, {@link #publishOutput} replaces only an
 * empty directory or an earlier output of the same command (its {@link OutputMarker}) and only when asked to, and
 * {@link #replace} is for directories the caller owns whole, such as checkpoint folders. If the final rename fails
 * after the previous directory was moved aside, the previous directory is moved back.
 */
public final class AtomicDirectory {
    /** Writes the contents of a directory. */
    @FunctionalInterface
    public interface Writer {
        void writeInto(Path directory) throws IOException;
    }

    /** Decides whether an existing target may be replaced; throws when it may not. */
    @FunctionalInterface
    private interface ExistingTarget {
        void requireReplaceable(Path target);
    }

    /** Renames a path; {@link Files#move} with an atomic move outside tests. */
    @FunctionalInterface
    interface Mover {
        void move(Path from, Path to) throws IOException;
    }

    private static final Mover ATOMIC_RENAME = (from, to) -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);

    private AtomicDirectory() {}

    /** Publishes a new directory at {@code target}; an existing target is refused and left as it is. */
    public static void publish(Path target, Writer writer) {
        publish(target, AtomicDirectory::refuseExisting, null, writer, ATOMIC_RENAME);
    }

    /** Publishes a directory at {@code target}, replacing whatever is there: only for a directory the caller owns. */
    public static void replace(Path target, Writer writer) {
        publish(target, existing -> { }, null, writer, ATOMIC_RENAME);
    }

    /**
     * Publishes the output of {@code command} at {@code target}, writing the {@link OutputMarker} last.
     *
     * @param overwrite whether an existing target may be replaced; even then only as {@link #requireReplaceable}
     *     allows, checked before the writer starts and again just before the rename
     */
    public static void publishOutput(Path target, String command, boolean overwrite, Writer writer) {
        publishOutput(target, command, overwrite, writer, ATOMIC_RENAME);
    }

    /**
     * Refuses an existing {@code target} that the output of {@code command} may not replace; a missing one passes.
     *
     * <p>Without {@code overwrite} every existing path is refused (Spark's {@code SaveMode.ErrorIfExists}). With it,
     * an empty directory and a directory whose marker names {@code command} pass; a file, and a directory that
     * spark-distill did not write (no marker) or that another command wrote, are refused.
     *
     * @throws InvalidInputException naming the target and why it is refused
     */
    public static void requireReplaceable(Path target, String command, boolean overwrite) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new InvalidInputException("output " + target + " is an existing file, not a directory; it is never"
                    + " replaced, even with --overwrite: remove it yourself or choose another output");
        }
        if (!overwrite) {
            throw new InvalidInputException("output " + target + " already exists; give --overwrite (overwrite: true)"
                    + " to replace an earlier output of '" + command + "', or choose another output");
        }
        if (isEmpty(target)) {
            return;
        }
        String writer = OutputMarker.command(target).orElse(null);
        if (writer == null) {
            throw new InvalidInputException("output " + target + " cannot be replaced: it was not written by"
                    + " spark-distill (it has no " + OutputMarker.FILE_NAME + " file) and is not empty; it is left as"
                    + " it is: remove it yourself or choose another output");
        }
        if (!writer.equals(command)) {
            throw new InvalidInputException("output " + target + " cannot be replaced: it was written by '" + writer
                    + "', not by '" + command + "'; it is left as it is: remove it yourself or choose another output");
        }
    }

    /** {@link #publishOutput} with the rename given, so that a failing rename can be tested. */
    static void publishOutput(Path target, String command, boolean overwrite, Writer writer, Mover mover) {
        publish(target, existing -> requireReplaceable(existing, command, overwrite), command, writer, mover);
    }

    private static void publish(Path target, ExistingTarget existing, String command, Writer writer, Mover mover) {
        Path absolute = target.toAbsolutePath().normalize();
        existing.requireReplaceable(absolute);
        Path parent = absolute.getParent();
        String token = UUID.randomUUID().toString().substring(0, 8);
        Path staging = parent.resolve("." + absolute.getFileName() + ".writing-" + token);
        Path previous = parent.resolve("." + absolute.getFileName() + ".replaced-" + token);
        boolean published = false;
        try {
            Files.createDirectories(staging);
            writer.writeInto(staging);
            if (command != null) {
                OutputMarker.write(staging, command);
            }
            // Something may have appeared at the target while the writer ran.
            existing.requireReplaceable(absolute);
            boolean movedAside = false;
            if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                mover.move(absolute, previous);
                movedAside = true;
            }
            try {
                mover.move(staging, absolute);
            } catch (IOException e) {
                if (movedAside) {
                    moveBack(previous, absolute, mover, e);
                }
                throw e;
            }
            published = true;
            deleteRecursively(previous);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write output directory " + absolute, e);
        } finally {
            // Whatever stopped the writer, including an exception Scala code throws undeclared (Spark's), the
            // half-written directory goes.
            if (!published) {
                deleteQuietly(staging);
            }
        }
    }

    /** Puts the previous directory back where it was after the new one could not be renamed into place. */
    private static void moveBack(Path previous, Path target, Mover mover, IOException failure) {
        try {
            mover.move(previous, target);
        } catch (IOException e) {
            failure.addSuppressed(new IOException("the previous " + target + " could not be moved back and is now "
                    + previous, e));
        }
    }

    private static void refuseExisting(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException("directory " + target + " already exists; it is left as it is");
        }
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + directory, e);
        }
    }

    /** Deletes a file or a directory tree; a missing path is not an error. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException suppressed) {
            // the failure that brought us here is the one to report
        }
    }
}
