package org.sparkdistill.jobs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.apache.hadoop.fs.FileStatus;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.Sha256;

/**
 * A private local copy of a file on any file system, streamed (never held in memory whole) and hashed as it is
 * copied, so that what is then checked and loaded is exactly what was hashed, whoever writes the original meanwhile.
 *
 * <p>The copy is a temporary file of this JVM's user, deleted by {@link #close()}. Not thread-safe.
 */
public final class LocalCopy implements AutoCloseable {
    private final Path file;
    private final String sha256;

    private LocalCopy(Path file, String sha256) {
        this.file = file;
        this.sha256 = sha256;
    }

    /**
     * Copies {@code source}.
     *
     * @param what what the file is, for messages, e.g. "teacher model file"
     * @throws InvalidInputException naming the file when it does not exist, is a directory or cannot be read
     */
    public static LocalCopy of(StoragePath source, String what) {
        String named = what + " " + Excerpt.of(source.describe());
        FileStatus status = source.status();
        if (status == null) {
            throw new InvalidInputException(named + " does not exist");
        }
        if (status.isDirectory()) {
            throw new InvalidInputException(named + " is a directory");
        }
        Path file;
        try {
            file = Files.createTempFile("spark-distill-", "-" + source.name());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a local copy of " + named + ": " + e.getMessage(), e);
        }
        MessageDigest digest = Sha256.digest();
        try (InputStream in = source.open();
                OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw new InvalidInputException(named + " cannot be read: " + Excerpt.of(e), e);
        }
        return new LocalCopy(file, Sha256.hex(digest));
    }

    /** The local copy. */
    public Path file() {
        return file;
    }

    /** The SHA-256 of the bytes copied, lower-case hex. */
    public String sha256() {
        return sha256;
    }

    /** Deletes the copy. */
    @Override
    public void close() {
        deleteQuietly(file);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file left behind holds nothing the user has not got
        }
    }
}
