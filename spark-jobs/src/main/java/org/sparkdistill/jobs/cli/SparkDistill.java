package org.sparkdistill.jobs.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.nn.NativeBackend;
import org.sparkdistill.jobs.ReleaseVersion;
import org.sparkdistill.jobs.spark.TaskFailures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line entry point: {@code spark-distill <command> [options]}. */
@Command(name = "spark-distill", mixinStandardHelpOptions = true, versionProvider = SparkDistill.Version.class,
        description = "Distributed knowledge distillation on Apache Spark with Deeplearning4j.",
        subcommands = {PrepareCommand.class, TrainTeacherCommand.class, TeacherInferCommand.class, DistillCommand.class,
            EvaluateCommand.class, PredictCommand.class, QuickstartCommand.class, CommandLine.HelpCommand.class})
public final class SparkDistill implements Runnable {
    /** Exit status of a run refused for bad input. */
    public static final int INVALID_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before anything loads ND4J: JavaCPP picks the natives' build once per JVM.
        NativeBackend.select();
        System.exit(execute(args));
    }

    /** Runs one command and returns its exit status instead of exiting. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** Runs one command, writing errors and usage to {@code err}, and returns its exit status. */
    public static int execute(PrintWriter err, String... args) {
        Optional<String> mismatch = BuildLine.ofThisJar()
                .flatMap(line -> line.mismatch(BuildLine.runningSparkVersion(), BuildLine.runningScalaVersion()));
        if (mismatch.isPresent()) {
            err.println("error: " + mismatch.get());
            return INVALID_INPUT;
        }
        return reportingInvalidInput(new CommandLine(new SparkDistill()).setErr(err)).execute(args);
    }

    /**
     * Makes {@code commandLine} print an {@link InvalidInputException}'s message and return {@link #INVALID_INPUT},
     * also when a Spark task threw it and the failed job carries it.
     */
    public static CommandLine reportingInvalidInput(CommandLine commandLine) {
        return commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            // A task that refused its input fails its Spark job; the refusal is the error to report.
            InvalidInputException invalid = TaskFailures.badInput(e);
            if (invalid != null) {
                line.getErr().println("error: " + invalid.getMessage());
                return INVALID_INPUT;
            }
            throw e;
        });
    }

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Missing command.");
        spec.commandLine().usage(err);
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"spark-distill " + ReleaseVersion.current()};
        }
    }
}
