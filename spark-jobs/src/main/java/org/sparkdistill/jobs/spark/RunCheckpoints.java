package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.RunKey;

/**
 * The checkpoints of one run, in the folder {@code <checkpointDirectory>/<run key id>/} of a checkpoint directory
 * that other runs and other programs may share.
 *
 * <p>Opening writes the key's canonical text to {@code <id>/}{@value RunKey#FILE} (once) and says, through the
 * notices, which other runs' checkpoints the directory holds: they are left alone, and when this run has no
 * checkpoints yet it names the settings in which it differs from the newest of them (by the time its
 * {@value RunKey#FILE} was written). A folder named by this run's id whose {@value RunKey#FILE} holds another text is
 * refused. When the run finishes, {@link #deleteOwn()} deletes its own folder, then the checkpoint directory itself
 * only if it is then empty and this run created it (a marker in the run's folder remembers that across restarts);
 * nothing else is ever deleted. Not thread-safe; used on the driver.
 */
public final class RunCheckpoints {
    /** Present in a run's folder when that run created the checkpoint directory. */
    static final String CREATED_DIRECTORY = "created-checkpoint-directory";

    private final FileSystem fs;
    private final Path root;
    private final Path own;
    private final HadoopCheckpointStore store;
    private final boolean createdRoot;

    private RunCheckpoints(FileSystem fs, Path root, Path own, HadoopCheckpointStore store, boolean createdRoot) {
        this.fs = fs;
        this.root = root;
        this.own = own;
        this.store = store;
        this.createdRoot = createdRoot;
    }

    /**
     * Opens the folder of {@code key}'s run under {@code directory}, creating what is missing.
     *
     * @param notices receives one message per thing the user should know: other runs found, and why this one starts
     *     fresh
     * @throws InvalidInputException when {@code directory} is a file, or the run's folder holds another key's text
     */
    public static RunCheckpoints open(String directory, RunKey key, Configuration conf, Consumer<String> notices) {
        Path root = new Path(directory);
        Path own = new Path(root, key.id());
        try {
            FileSystem fs = root.getFileSystem(conf);
            boolean rootExisted = fs.exists(root);
            if (rootExisted && !fs.getFileStatus(root).isDirectory()) {
                throw new InvalidInputException("training.checkpointDirectory " + directory + " is a file, not a"
                        + " directory; name a directory (it may hold other runs' checkpoints and other files)");
            }
            List<OtherRun> others = rootExisted ? otherRuns(fs, root, key.id()) : List.of();
            boolean resumable = claim(fs, own, key, !rootExisted);
            HadoopCheckpointStore store = HadoopCheckpointStore.of(own.toString(), conf);
            if (!others.isEmpty()) {
                notices.accept(describe(root, others, key, resumable && !store.folders().isEmpty()));
            }
            return new RunCheckpoints(fs, root, own, store, fs.exists(new Path(own, CREATED_DIRECTORY)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not open checkpoint directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Where this run's checkpoints go: its own folder. */
    public HadoopCheckpointStore store() {
        return store;
    }

    /** Deletes this run's folder, then the checkpoint directory if it is empty and was created by this run. */
    public void deleteOwn() {
        try {
            fs.delete(own, true);
            if (createdRoot && fs.exists(root) && fs.listStatus(root).length == 0) {
                fs.delete(root, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete checkpoints in " + own + ": " + e.getMessage(), e);
        }
    }

    /** Creates the run's folder with its key (and the marker if the directory is new), or checks the key it holds. */
    private static boolean claim(FileSystem fs, Path own, RunKey key, boolean createsRoot) throws IOException {
        Path keyFile = new Path(own, RunKey.FILE);
        if (fs.exists(keyFile)) {
            String found = read(fs, keyFile);
            if (!found.equals(key.text())) {
                throw new InvalidInputException("checkpoint folder " + own + " is named by this run's key " + key.id()
                        + " but its " + RunKey.FILE + " holds another run's settings; move it away or set"
                        + " training.checkpointDirectory to another directory");
            }
            return true;
        }
        fs.mkdirs(own);
        if (createsRoot) {
            fs.create(new Path(own, CREATED_DIRECTORY), true).close();
        }
        // Written aside and renamed, so a key file is never seen half written.
        Path staging = new Path(own, "." + RunKey.FILE + ".writing");
        try (OutputStream out = fs.create(staging, true)) {
            out.write(key.text().getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(staging, keyFile)) {
            throw new IOException("rename of " + staging + " to " + keyFile + " failed");
        }
        return false;
    }

    /** Another run's folder: its id, key and when its key was written. */
    private record OtherRun(String id, RunKey key, long written) {}

    private static List<OtherRun> otherRuns(FileSystem fs, Path root, String ownId) throws IOException {
        List<OtherRun> runs = new ArrayList<>();
        for (FileStatus entry : fs.listStatus(root)) {
            String name = entry.getPath().getName();
            Path keyFile = new Path(entry.getPath(), RunKey.FILE);
            if (!entry.isDirectory() || name.equals(ownId) || !name.matches("[0-9a-f]{" + RunKey.ID_LENGTH + "}")
                    || !fs.exists(keyFile)) {
                continue;
            }
            try {
                runs.add(new OtherRun(name, RunKey.parse(read(fs, keyFile), keyFile.toString()),
                        fs.getFileStatus(keyFile).getModificationTime()));
            } catch (InvalidInputException e) {
                runs.add(new OtherRun(name, null, fs.getFileStatus(keyFile).getModificationTime()));
            }
        }
        runs.sort(Comparator.comparingLong(OtherRun::written).thenComparing(OtherRun::id));
        return runs;
    }

    private static String describe(Path root, List<OtherRun> others, RunKey key, boolean resumes) {
        String message = "checkpoint directory " + root + " holds checkpoints of " + others.size() + " other run(s) ("
                + String.join(", ", others.stream().map(OtherRun::id).toList()) + "); they are left alone";
        if (resumes) {
            return message;
        }
        OtherRun newest = others.get(others.size() - 1);
        String why = newest.key() == null ? "its " + RunKey.FILE + " is unreadable"
                : "it differs in " + String.join(", ", key.changesFrom(newest.key()));
        return message + ". This run (" + key.id() + ") starts fresh: compared with the newest of them, "
                + newest.id() + ", " + why;
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
