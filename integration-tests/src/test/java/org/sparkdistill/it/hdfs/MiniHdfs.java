package org.sparkdistill.it.hdfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM: a NameNode and one DataNode of Hadoop's {@code MiniDFSCluster}, listening on 127.0.0.1 on
 * free ports and keeping their metadata and blocks in a new directory under the build's test work directory.
 *
 * <p>Spark jobs in this JVM and executors in other JVMs reach it through {@link #uri()}; the HDFS client of Spark's
 * shaded {@code hadoop-client-runtime} is all they need. {@link #close()} stops both nodes and deletes the directory.
 */
public final class MiniHdfs implements AutoCloseable {
    /** System property naming the directory under which each instance keeps its files; surefire and failsafe set it. */
    public static final String WORK_DIR_PROPERTY = "test.work.dir";

    private final MiniDFSCluster cluster;
    private final URI uri;
    private final FileSystem fileSystem;

    private MiniHdfs(MiniDFSCluster cluster) throws IOException {
        this.cluster = cluster;
        this.uri = URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
        this.fileSystem = FileSystem.newInstance(uri, cluster.getConfiguration(0));
    }

    /**
     * Formats and starts a NameNode and a DataNode, and returns once the NameNode has left safe mode.
     *
     * @throws UncheckedIOException when either node fails to start; whatever started is stopped first
     */
    public static MiniHdfs start() {
        Path directory;
        try {
            Path root = Path.of(System.getProperty(WORK_DIR_PROPERTY, "target/test-work")).toAbsolutePath();
            Files.createDirectories(root);
            directory = Files.createTempDirectory(root, "hdfs-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for the HDFS", e);
        }
        MiniDFSCluster cluster = null;
        try {
            cluster = new MiniDFSCluster.Builder(new Configuration(), directory.toFile()).numDataNodes(1).build();
            cluster.waitActive();
            return new MiniHdfs(cluster);
        } catch (IOException e) {
            if (cluster != null) {
                cluster.shutdown(true);
            }
            throw new UncheckedIOException("could not start an HDFS in " + directory, e);
        }
    }

    /** The file system's URI, {@code hdfs://127.0.0.1:<NameNode port>}. */
    public URI uri() {
        return uri;
    }

    /** The URI of {@code absolutePath} on this file system, such as {@code hdfs://127.0.0.1:8020/data/train}. */
    public String path(String absolutePath) {
        if (!absolutePath.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + absolutePath);
        }
        return uri + absolutePath;
    }

    /** A client of this file system, closed by {@link #close()}. */
    public FileSystem fileSystem() {
        return fileSystem;
    }

    /** The NameNode's RPC port. */
    public int port() {
        return uri.getPort();
    }

    /** Closes the client, stops both nodes and deletes their files. */
    @Override
    public void close() {
        try {
            fileSystem.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the client of " + uri, e);
        } finally {
            cluster.shutdown(true);
        }
    }
}
