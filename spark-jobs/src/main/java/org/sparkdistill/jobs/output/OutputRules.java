package org.sparkdistill.jobs.output;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.AtomicDirectory;

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
 *   <li>outputs are written to the local file system: another URI scheme is refused;</li>
 *   <li>the output's lock ({@link OutputLock}) is taken: a parent that cannot be written, and an output another run is
 *       writing, are refused;</li>
 *   <li>an existing output is refused without overwrite; with it, a directory output replaces only an empty
 *       directory or an earlier output of the same command ({@link AtomicDirectory#requireReplaceable}), and a file
 *       output replaces only a regular file.</li>
 * </ul>
 * Every refusal is an {@link InvalidInputException} (exit status 2) naming the output and, for an overlap, the input.
 * Nothing is written but the lock file. Stateless and thread-safe.
 */
public final class OutputRules {
    /** What a command writes at its output. */
    public enum Kind {
        /** A directory, published through {@link AtomicDirectory#publishOutput}. */
        DIRECTORY,
        /** One file, such as a model zip. */
        FILE
    }

    private OutputRules() {}

    /**
     * Checks {@code output} against the rules and takes its lock, which the caller closes when the command ends.
     *
     * @param command the command, as {@link AtomicDirectory#publishOutput} names it in the output's marker
     * @param output where the command writes, by the key or flag that set it
     * @param overwrite whether an existing output may be replaced
     * @param inputs everything the command reads
     * @throws InvalidInputException naming the output, the rule and, for an overlap, the input
     */
    public static OutputLock claim(String command, NamedPath output, Kind kind, boolean overwrite,
            List<NamedPath> inputs) {
        if (output.path() == null || output.path().isBlank()) {
            throw new InvalidInputException(output.name() + " is not set; " + command + " writes its output there");
        }
        Location target = Location.of(output.path());
        String named = output.name() + " = " + target.describe();
        if (!target.isLocal()) {
            throw new InvalidInputException(named + ": outputs are written to the local file system (a path or a"
                    + " file: URI), not to " + target.scheme() + "://");
        }
        requireOutsideProtectedPlaces(named, target);
        for (NamedPath input : inputs) {
            if (input.path() != null) {
                requireApart(named, target, input.name(), Location.of(input.path()));
            }
        }
        OutputLock lock = OutputLock.take(target.path());
        try {
            requireReplaceable(command, target.path(), kind, overwrite);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        System.out.println("writing " + target.path() + " (lock " + lock.file() + ")");
        return lock;
    }

    /** Refuses an output that is or contains a protected place, naming the place it is before one it contains. */
    private static void requireOutsideProtectedPlaces(String named, Location target) {
        List<NamedPath> places = protectedPlaces();
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

    private static void requireReplaceable(String command, Path target, Kind kind, boolean overwrite) {
        if (kind == Kind.DIRECTORY) {
            AtomicDirectory.requireReplaceable(target, command, overwrite);
        } else if (Files.isDirectory(target)) {
            throw new InvalidInputException("output " + target + " is an existing directory; " + command + " writes a"
                    + " file there and never replaces a directory, even with --overwrite: choose another output");
        } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
            throw new InvalidInputException("output " + target + " already exists; give --overwrite to replace it,"
                    + " or choose another output");
        }
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
