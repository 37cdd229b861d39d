package org.sparkdistill.jobs.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.BoundedText;

/**
 * A file or directory on any Hadoop file system (a local path, {@code file:}, {@code hdfs://}, {@code s3a://},
 * {@code abfs://}…), as every job reads and writes its data, teachers, cache, checkpoints and outputs.
 *
 * <p>A path without a scheme is resolved as Spark resolves it: against Hadoop's default file system
 * ({@code fs.defaultFS}), which is the local one unless the cluster configures another, and a relative path against
 * that file system's working directory. Local files are written without Hadoop's {@code .crc} side files. Instances
 * are immutable; the file system they use is Hadoop's shared, cached instance and is never closed here.
 */
public final class StoragePath {
    private final String given;
    private final FileSystem fs;
    private final Path path;

    private StoragePath(String given, FileSystem fs, Path path) {
        this.given = given;
        this.fs = fs;
        this.path = path;
    }

    /**
     * The location {@code text} names, with the file system of {@code conf}.
     *
     * @throws InvalidInputException when {@code text} is blank or not a valid path or URI, or names a file system
     *     Hadoop has no implementation for
     */
    public static StoragePath of(String text, Configuration conf) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("a path is required; got " + Excerpt.quoted(text));
        }
        Path path;
        try {
            path = new Path(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("path " + Excerpt.quoted(text) + " is not a valid path or URI: "
                    + Excerpt.of(e.getMessage()), e);
        }
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRaw();
            }
            return new StoragePath(text, fs, fs.makeQualified(path));
        } catch (IOException e) {
            throw new InvalidInputException("path " + Excerpt.quoted(text) + ": no file system for it: "
                    + Excerpt.of(e.getMessage()), e);
        }
    }

    /** The local file or directory {@code path}. */
    public static StoragePath local(java.nio.file.Path path) {
        StoragePath resolved = of(path.toAbsolutePath().toUri().toString(), new Configuration());
        return new StoragePath(path.toString(), resolved.fs, resolved.path);
    }

    /** The path as the user gave it, for messages. */
    public String given() {
        return given;
    }

    /** Where this is, for messages: a local path as a plain absolute path, anything else as its URI. */
    public String describe() {
        return isLocal() ? path.toUri().getPath() : uri();
    }

    /** The fully qualified URI, as Spark's readers and writers take it. */
    public String uri() {
        return path.toString();
    }

    public Path path() {
        return path;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** True when this is on the local file system. */
    public boolean isLocal() {
        return "file".equals(path.toUri().getScheme());
    }

    /** The last segment of the path. */
    public String name() {
        return path.getName();
    }

    /** The entry {@code name} inside this directory. */
    public StoragePath child(String name) {
        return new StoragePath(given + "/" + name, fs, new Path(path, name));
    }

    /** The entry {@code name} beside this one, in the same parent directory; inside it when this is a root. */
    public StoragePath sibling(String name) {
        Path parent = path.getParent();
        return new StoragePath(name, fs, new Path(parent == null ? path : parent, name));
    }

    /** The directory this lies in, or null for a root. */
    public StoragePath parent() {
        Path parent = path.getParent();
        return parent == null ? null : new StoragePath(parent.toString(), fs, parent);
    }

    /** What is there, or null when nothing is. */
    public FileStatus status() {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException missing) {
            return null;
        } catch (IOException e) {
            throw failure("could not look at", e);
        }
    }

    public boolean exists() {
        return status() != null;
    }

    public boolean isDirectory() {
        FileStatus status = status();
        return status != null && status.isDirectory();
    }

    public boolean isFile() {
        FileStatus status = status();
        return status != null && status.isFile();
    }

    /** The entries of this directory, sorted by name. */
    public List<StoragePath> list() {
        try {
            List<StoragePath> entries = new ArrayList<>();
            for (FileStatus status : fs.listStatus(path)) {
                entries.add(new StoragePath(status.getPath().toString(), fs, status.getPath()));
            }
            entries.sort((a, b) -> a.name().compareTo(b.name()));
            return entries;
        } catch (IOException e) {
            throw failure("could not list", e);
        }
    }

    /** Reads the file. */
    public InputStream open() throws IOException {
        return fs.open(path);
    }

    /** Creates the file, and its parent directories; an existing file is never replaced. */
    public OutputStream create() throws IOException {
        return fs.create(path, false);
    }

    /** Writes {@code text} as UTF-8 to a new file. */
    public void writeText(String text) throws IOException {
        try (OutputStream out = create()) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads the whole of a small UTF-8 file, with its size cap in force while reading.
     *
     * @param what what the file is, for messages
     * @throws InvalidInputException naming the file when it is missing, not a file, larger than {@code maxBytes}
     *     bytes, not UTF-8 or unreadable
     */
    public String readText(int maxBytes, String what) {
        String source = what + " " + Excerpt.of(describe());
        FileStatus status = status();
        if (status == null) {
            throw new InvalidInputException(source + " does not exist");
        }
        if (!status.isFile()) {
            throw new InvalidInputException(source + " is not a file");
        }
        try (InputStream in = open()) {
            return BoundedText.readUtf8(in, maxBytes, source);
        } catch (IOException e) {
            throw new InvalidInputException(source + " cannot be read: " + Excerpt.of(e), e);
        }
    }

    /** Creates this directory and its parents. */
    public void mkdirs() throws IOException {
        if (!fs.mkdirs(path)) {
            throw new IOException("could not create the directory " + describe());
        }
    }

    /** Renames this to {@code target}, which must not exist, on the same file system. */
    public void renameTo(StoragePath target) throws IOException {
        if (!fs.rename(path, target.path)) {
            throw new IOException("could not rename " + describe() + " to " + target.describe());
        }
    }

    /** Deletes this file or directory tree; a missing path is not an error. Only for what the caller wrote. */
    public void delete() throws IOException {
        if (exists() && !fs.delete(path, true)) {
            throw new IOException("could not delete " + describe());
        }
    }

    private UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException(what + " " + describe() + ": " + e.getMessage(), e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoragePath other && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return uri();
    }
}
