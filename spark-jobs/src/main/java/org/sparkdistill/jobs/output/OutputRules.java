package org.sparkdistill.jobs.output;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * Checks where a command will write, before Spark starts, and takes the output's lock: the one gate every command's
 * output passes.
 *
 * <p>The rules, in Spark's {@code SaveMode.ErrorIfExists} manner:
 * <ul>
 *   <li>an output that is, contains or lies inside one of the command's inputs (data, teachers, the soft-label cache,
 *       the checkpoint directory, the configuration file) is refused, even with overwrite; paths are compared as
 *       {@link Location}s, so symbolic links and {@code file:} URIs do not hide an overlap;</li>
 *   <li>an output that is or contains the working directory, the user's home or a file-system root is refused, even
 *       with overwrite (an output inside them is ordinary);</li>
 *   <li>on another file system (HDFS, an object store), an output that is or contains that file system's root, the
 *       user's home there or its working directory is refused likewise;</li>
 *   <li>the output's lock ({@link OutputLock}) is taken: a parent that cannot be written, and an output another run is
 *       writing, are refused;</li>
 *   <li>an existing output is refused without overwrite; with it, a directory output replaces only an empty
 *       directory or an earlier output of the same command ({@link PublishedOutput#requireReplaceable}), and a file
 *       output replaces only a regular file.</li>
 * </ul>
 * Every refusal is an {@link InvalidInputException} (exit status 2) naming the output and, for an overlap, the input.
 * Nothing is written but the lock file. Stateless and thread-safe.
 */
public final class OutputRules {
    /** What a command writes at its output. */
    public enum Kind {
        /** A directory, published through {@link PublishedOutput#publish}. */
        DIRECTORY,
        /** One file, such as a model zip. */
        FILE
    }

    private OutputRules() {}

    /**
     * Checks {@code output} against the rules and takes its lock, which the caller closes when the command ends.
     *
     * @param command the command, as {@link PublishedOutput#publish} names it in the output's marker
     * @param output where the command writes, by the key or flag that set it
     * @param overwrite whether an existing output may be replaced
     * @param inputs everything the command reads
     * @throws InvalidInputException naming the output, the rule and, for an overlap, the input
     */
    public static OutputLock claim(String command, NamedPath output, Kind kind, boolean overwrite,
            List<NamedPath> inputs) {
        return claim(command, output, kind, overwrite, inputs, HadoopSettings.beforeSession());
    }

    /** {@link #claim(String, NamedPath, Kind, boolean, List)} with paths resolved by {@code conf}. */
    public static OutputLock claim(String command, NamedPath output, Kind kind, boolean overwrite,
            List<NamedPath> inputs, Configuration conf) {
        StoragePath stored = requireAllowedPlace(command, output, inputs, conf);
        OutputLock lock = OutputLock.take(stored);
        try {
            requireReplaceable(command, stored, kind, overwrite);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        System.out.println("writing " + stored.describe() + " (lock " + lock.file() + ")");
        return lock;
    }

    /**
     * Checks {@code output} against the rules as {@link #claim} does, without taking its lock or writing anything: for
     * a dry run, which only says whether the command would be allowed to write there.
     */
    public static void check(String command, NamedPath output, Kind kind, boolean overwrite, List<NamedPath> inputs) {
        StoragePath stored = requireAllowedPlace(command, output, inputs, HadoopSettings.beforeSession());
        requireReplaceable(command, stored, kind, overwrite);
    }

    /** The output's place, once it is set, outside every protected place and apart from every input. */
    private static StoragePath requireAllowedPlace(String command, NamedPath output, List<NamedPath> inputs,
            Configuration conf) {
        if (output.path() == null || output.path().isBlank()) {
            throw new InvalidInputException(output.name() + " is not set; " + command + " writes its output there");
        }
        StoragePath stored = resolve(output, conf);
        Location target = Location.of(stored);
        String named = output.name() + " = " + target.describe();
        requireOutsideProtectedPlaces(named, target, stored);
        for (NamedPath input : inputs) {
            if (input.path() != null) {
                requireApart(named, target, input.name(), locate(input, conf));
            }
        }
        return stored;
    }

    /** Refuses an output that is or contains a protected place, naming the place it is before one it contains. */
    private static void requireOutsideProtectedPlaces(String named, Location target, StoragePath stored) {
        List<NamedPath> places = stored.isLocal() ? protectedPlaces() : protectedPlaces(stored);
        for (boolean sameOnly : new boolean[] {true, false}) {
            for (NamedPath place : places) {
                Location location = Location.of(place.path());
                boolean same = location.path().equals(target.path());
                if (target.contains(location) && (same || !sameOnly)) {
                    throw new InvalidInputException(named + (same ? " is " : " contains ") + place.name() + " "
                            + location.path() + "; spark-distill never writes there, even with --overwrite: choose"
                            + " an output of its own");
                }
            }
        }
    }

    /** Refuses an output that is, contains or lies inside an input. */
    private static void requireApart(String named, Location target, String inputName, Location input) {
        String relation = input.contains(target) ? (target.path().equals(input.path()) ? " is " : " lies inside ")
                : target.contains(input) ? " contains " : null;
        if (relation != null) {
            throw new InvalidInputException(named + relation + "the input " + inputName + " = " + input.describe()
                    + "; spark-distill never writes over its inputs, even with --overwrite: choose another output");
        }
    }

    private static void requireReplaceable(String command, StoragePath target, Kind kind, boolean overwrite) {
        if (kind == Kind.DIRECTORY) {
            PublishedOutput.requireReplaceable(target, command, overwrite);
        } else if (target.isDirectory()) {
            throw new InvalidInputException("output " + target.describe() + " is an existing directory; " + command
                    + " writes a file there and never replaces a directory, even with --overwrite: choose another"
                    + " output");
        } else if ((target.exists() || target.isLocal() && Files.isSymbolicLink(Path.of(target.describe()))) && !overwrite) {
            throw new InvalidInputException("output " + target.describe() + " already exists; give --overwrite to"
                    + " replace it, or choose another output");
        }
    }

    /**
     * Where an input is, without opening its file system when it need not be: a URI, and a bare path where the
     * default file system is the local one, are located as they are written.
     */
    private static Location locate(NamedPath input, Configuration conf) {
        boolean localDefault = "file".equals(FileSystem.getDefaultUri(conf).getScheme());
        return Location.hasScheme(input.path()) || localDefault ? Location.of(input.path())
                : Location.of(resolve(input, conf));
    }

    private static StoragePath resolve(NamedPath named, Configuration conf) {
        try {
            return StoragePath.of(named.path(), conf);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(named.name() + " = " + named.path() + ": " + e.getMessage(), e);
        }
    }

    /** The places no output on {@code output}'s file system may be or contain: its root, home and working directory. */
    private static List<NamedPath> protectedPlaces(StoragePath output) {
        FileSystem fs = output.fileSystem();
        String root = output.path().toUri().getScheme() + "://" + Objects.toString(output.path().toUri().getAuthority(), "")
                + "/";
        return List.of(new NamedPath("the file-system root", root),
                new NamedPath("the home directory", fs.getHomeDirectory().toString()),
                new NamedPath("the working directory", fs.getWorkingDirectory().toString()));
    }

    /** The places no output may be or contain: the working directory, the user's home and every root. */
    private static List<NamedPath> protectedPlaces() {
        List<NamedPath> places = new ArrayList<>();
        places.add(new NamedPath("the working directory", Path.of("").toAbsolutePath().toString()));
        places.add(new NamedPath("the home directory", System.getProperty("user.home")));
        FileSystems.getDefault().getRootDirectories()
                .forEach(root -> places.add(new NamedPath("the file-system root", root.toString())));
        return places;
    }
}
