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
 * <p>For local directories of the program's own, such as checkpoint folders and benchmark reports; the commands'
 * outputs, on any file system, are published by spark-jobs' {@code PublishedOutput}. A reader sees either the
 * previous complete directory or the new one, never a half-written one; a writer that fails leaves the previous
 * directory untouched and removes what it had written. Nothing is deleted that the caller did not declare
 * replaceable: {@link #publish} refuses an existing target, and {@link #replace} is for directories the caller owns
 * whole. If the final rename fails after the previous directory was moved aside, the previous directory is moved
 * back.
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
        publish(target, AtomicDirectory::refuseExisting, writer, ATOMIC_RENAME);
    }

    /** Publishes a directory at {@code target}, replacing whatever is there: only for a directory the caller owns. */
    public static void replace(Path target, Writer writer) {
        replace(target, writer, ATOMIC_RENAME);
    }

    /** {@link #replace(Path, Writer)} with the rename given, so that a failing rename can be tested. */
    static void replace(Path target, Writer writer, Mover mover) {
        publish(target, existing -> { }, writer, mover);
    }

    private static void publish(Path target, ExistingTarget existing, Writer writer, Mover mover) {
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
