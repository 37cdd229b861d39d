package org.sparkdistill.jobs.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.BoundedText;

/**
 * The data files the driver and executors open directly, rather than through a Spark data source: IDX files and the
 * description {@code prepare} writes beside its table. Every path or URI goes through Hadoop's {@link FileSystem}, so
 * hdfs://, s3a:// and bare local paths all work. Stateless and thread-safe.
 */
public final class DataFiles {
    private DataFiles() {}

    /** {@code name} inside the directory {@code directory}, as a URI or path string. */
    public static String child(String directory, String name) {
        return new Path(new Path(directory), name).toString();
    }

    /** True when {@code uri} is an existing regular file. */
    public static boolean isFile(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(conf);
            return fs.exists(path) && fs.getFileStatus(path).isFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look up " + uri, e);
        }
    }

    /** True when {@code uri} exists, as a file or a directory. */
    public static boolean exists(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            return path.getFileSystem(conf).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look up " + uri, e);
        }
    }

    /** Opens {@code uri} for reading; the caller closes the stream. */
    public static InputStream open(String uri, Configuration conf) throws IOException {
        Path path = new Path(uri);
        return path.getFileSystem(conf).open(path);
    }

    /**
     * The UTF-8 text of a small file.
     *
     * @param what what the file is, for messages
     * @throws InvalidInputException naming {@code what} and the file when it is larger than {@code maxBytes} bytes,
     *     not UTF-8 or unreadable
     */
    public static String readText(String uri, int maxBytes, Configuration conf, String what) {
        String source = what + " " + Excerpt.of(uri);
        try (InputStream in = open(uri, conf)) {
            return BoundedText.readUtf8(in, maxBytes, source);
        } catch (IOException e) {
            throw new InvalidInputException(source + " cannot be read: " + Excerpt.of(e), e);
        }
    }

    /** Writes {@code text} as UTF-8 to {@code uri}, replacing what is there. */
    public static void writeText(String uri, String text, Configuration conf) throws IOException {
        Path path = new Path(uri);
        try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
