package org.sparkdistill.it.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one {@code spark-submit}: the driver's exit status and everything it printed.
 *
 * @param arguments the application's arguments
 * @param exitCode the driver JVM's exit status
 * @param output the driver's standard output and error, interleaved as written
 * @param log the file holding {@code output}
 */
public record Submission(List<String> arguments, int exitCode, String output, Path log) {
    public Submission {
        arguments = List.copyOf(arguments);
    }

    /** The lines of the output that start with {@code prefix}. */
    public List<String> linesStartingWith(String prefix) {
        return output.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    @Override
    public String toString() {
        return "spark-submit " + String.join(" ", arguments) + " exited with " + exitCode + "; output (" + log + "):\n"
                + output;
    }
}
