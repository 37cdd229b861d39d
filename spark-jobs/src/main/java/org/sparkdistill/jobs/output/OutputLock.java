package org.sparkdistill.jobs.output;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * The lock a run holds on its output: the file {@code .<output name>.lock} in the output's parent.
 *
 * <p>On the local file system the file is locked with {@link FileChannel#tryLock()}: a second run with the same
 * output, in another process or in this JVM, is refused while the lock is held, and the operating system frees the
 * lock when the process dies, however it dies. On other file systems (HDFS, object stores), which have no such locks,
 * the file is created exclusively and holds the owner's host and process: a second run is refused while it exists,
 * and a run that died without deleting it leaves it behind, named in the refusal for the user to delete.
 * {@link #close()} deletes the file, and so does a shutdown hook when the JVM is stopped before the run ends. Creating
 * the file is also the test that the parent is writable, done for real because permission bits do not stop root. Not
 * thread-safe: one run takes and closes it.
 */
public final class OutputLock implements AutoCloseable {
    /** How often a lock file deleted by the run that just released it is opened again. */
    private static final int ATTEMPTS = 3;

    private final String file;
    private final Runnable delete;
    private final Runnable release;
    private final Thread deleteOnExit;

    /** Holds a lock until {@link #close()} runs {@code delete}, then {@code release}. */
    private OutputLock(String file, Runnable delete, Runnable release) {
        this.file = file;
        this.delete = delete;
        this.release = release;
        this.deleteOnExit = new Thread(delete, "spark-distill output lock " + file);
        Runtime.getRuntime().addShutdownHook(deleteOnExit);
    }

    /**
     * Takes the lock of {@code output}, on whatever file system it is, creating its parent directories.
     *
     * @throws InvalidInputException when the parent is not writable or another run holds the lock
     */
    public static OutputLock take(StoragePath output) {
        if (output.isLocal()) {
            return take(Path.of(output.describe()));
        }
        StoragePath file = output.sibling("." + output.name() + ".lock");
        String owner = "host=" + hostName() + "\npid=" + ProcessHandle.current().pid() + "\n";
        try {
            file.writeText(owner);
        } catch (FileAlreadyExistsException held) {
            throw new InvalidInputException("output " + output.describe() + " is being written by another run, which"
                    + " holds the lock file " + file.describe() + " (" + ownerOf(file) + "); wait for that run to end,"
                    + " or delete the lock file if no run is writing there, or choose another output");
        } catch (IOException e) {
            throw new InvalidInputException("output " + output.describe() + " cannot be written: its parent"
                    + " directory is not writable or cannot be created (creating the lock file " + file.describe()
                    + " failed: " + e + ")", e);
        }
        return new OutputLock(file.describe(), () -> deleteQuietly(file), () -> { });
    }

    /** The lock file of {@code output}: {@code .<name>.lock} beside it. */
    public static Path fileOf(Path output) {
        return output.resolveSibling("." + output.getFileName() + ".lock");
    }

    /**
     * Takes the lock of the local {@code output} (absolute), creating its parent directories.
     *
     * @throws InvalidInputException when the parent is not writable or another run holds the lock
     */
    public static OutputLock take(Path output) {
        Path file = fileOf(output);
        for (int attempt = 1; ; attempt++) {
            FileChannel channel = open(output, file);
            Object opened = fileKey(file);
            FileLock lock = tryLock(channel, output, file);
            if (lock == null) {
                closeQuietly(channel);
                throw new InvalidInputException("output " + output + " is being written by another run, which holds"
                        + " the lock file " + file + "; wait for that run to end or choose another output");
            }
            // A run that has just ended deletes its lock file: a lock on the deleted file keeps nobody out.
            if (opened != null && Objects.equals(opened, fileKey(file))) {
                return new OutputLock(file.toString(), () -> deleteFile(file), () -> closeQuietly(channel));
            }
            closeQuietly(channel);
            if (attempt == ATTEMPTS) {
                throw new InvalidInputException("output " + output + ": the lock file " + file + " kept being"
                        + " replaced by other runs; wait for them to end or choose another output");
            }
        }
    }

    /** The lock file, for messages. */
    public String file() {
        return file;
    }

    /** Deletes the lock file and releases the lock. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(deleteOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; deleting twice is harmless
        }
        // Deleted while still locked, so that no other run locks this file after it was released.
        delete.run();
        release.run();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException unknown) {
            return "unknown";
        }
    }

    private static String ownerOf(StoragePath file) {
        try {
            return file.readText(4096, "lock file").strip().replace('\n', ' ');
        } catch (RuntimeException unreadable) {
            return "owner unknown";
        }
    }

    private static void deleteQuietly(StoragePath file) {
        try {
            file.delete();
        } catch (IOException | RuntimeException ignored) {
            // a lock file left behind is named in the next run's refusal
        }
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a lock file left behind keeps nobody out: the lock, not the file, is what counts
        }
    }

    private static FileChannel open(Path output, Path file) {
        try {
            Files.createDirectories(file.getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new InvalidInputException("output " + output + " cannot be written: its parent directory "
                    + file.getParent() + " is not writable or cannot be created (creating the lock file " + file + " failed: " + e + ")", e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path output, Path file) {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new InvalidInputException("output " + output + ": could not lock " + file + ": " + e, e);
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException gone) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing also releases the lock; nothing more can be done about a failure here
        }
    }
}
