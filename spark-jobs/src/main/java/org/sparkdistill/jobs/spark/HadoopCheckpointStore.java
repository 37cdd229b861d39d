package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdistill.core.train.CheckpointStore;
import org.sparkdistill.jobs.storage.HadoopSettings;

/**
 * Checkpoint folders on any Hadoop file system (local, HDFS, S3A, …): each folder is written under a hidden staging
 * name and renamed into place, so a folder without the leading dot is complete.
 *
 * <p>Serializable so executors can write where the driver reads: it carries the directory and the driver's Hadoop
 * settings, and opens the file system where it is used. On object stores without atomic rename (S3A) a crash
 * during the rename can leave a partial folder; its files then fail the SHA-256 check of
 * {@link org.sparkdistill.core.train.Checkpoints}, which falls back to the checkpoint before it. Deleting is left to
 * {@link RunCheckpoints}, which deletes only the folder of the run that finished.
 */
public final class HadoopCheckpointStore implements CheckpointStore, Serializable {
    private static final long serialVersionUID = 1L;

    private final String directory;
    private final HadoopSettings settings;
    /** Opened on first use where the store is used, driver or executor. */
    private transient FileSystem fileSystem;

    private HadoopCheckpointStore(String directory, HadoopSettings settings) {
        this.directory = directory;
        this.settings = settings;
    }

    /** Checkpoints under {@code directory} (a URI or a path of the default file system), with {@code conf}'s settings. */
    public static HadoopCheckpointStore of(String directory, Configuration conf) {
        return new HadoopCheckpointStore(directory, HadoopSettings.of(conf));
    }

    @Override
    public void publish(String name, FolderWriter writer) {
        Path target = folder(name);
        Path staging = folder("." + name + ".writing-" + UUID.randomUUID().toString().substring(0, 8));
        FileSystem fs = fileSystem();
        try {
            fs.mkdirs(staging);
            writer.write(file -> fs.create(new Path(staging, file), false));
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("rename of " + staging + " to " + target + " failed");
            }
        } catch (IOException e) {
            deleteQuietly(fs, staging);
            throw new UncheckedIOException("could not write checkpoint " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(fs, staging);
            throw e;
        }
    }

    @Override
    public List<String> folders() {
        FileSystem fs = fileSystem();
        Path root = new Path(directory);
        try {
            if (!fs.exists(root)) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (FileStatus status : fs.listStatus(root)) {
                String name = status.getPath().getName();
                if (status.isDirectory() && !name.startsWith(".") && !name.startsWith("_")) {
                    names.add(name);
                }
            }
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("could not list checkpoints in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String name, String file) throws IOException {
        return fileSystem().open(new Path(folder(name), file));
    }

    @Override
    public String locate(String name) {
        return folder(name).toString();
    }

    private Path folder(String name) {
        return new Path(directory, name);
    }

    private FileSystem fileSystem() {
        if (fileSystem == null) {
            fileSystem = openFileSystem();
        }
        return fileSystem;
    }

    private FileSystem openFileSystem() {
        try {
            return new Path(directory).getFileSystem(settings.toConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for checkpoint directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException ignored) {
            // the staging folder's hidden name keeps it out of every listing
        }
    }
}
