package org.sparkdistill.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Publishes a directory all at once: it is written beside the target, then renamed into place.
 *
 * <p>A reader sees either the previous complete output or the new complete output, never a half-written one; a job
 * that fails leaves the previous output untouched and removes what it had written.
 */
public final class AtomicDirectory {
    /** Writes the contents of a directory. */
    @FunctionalInterface
    public interface Writer {
        void writeInto(Path directory) throws IOException;
    }

    private AtomicDirectory() {}

    public static void publish(Path target, Writer writer) {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        String token = UUID.randomUUID().toString().substring(0, 8);
        Path staging = parent.resolve("." + absolute.getFileName() + ".writing-" + token);
        Path previous = parent.resolve("." + absolute.getFileName() + ".replaced-" + token);
        boolean published = false;
        try {
            Files.createDirectories(staging);
            writer.writeInto(staging);
            if (Files.exists(absolute)) {
                Files.move(absolute, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
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
