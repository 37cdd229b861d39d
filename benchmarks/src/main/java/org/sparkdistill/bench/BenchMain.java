package org.sparkdistill.bench;

import java.util.function.Function;

/**
 * What a benchmark's {@code main} does around its run: reads the settings or refuses them with the usage (exit status
 * 2), runs, prints a failure (exit status 1), and ends the JVM, which threads that outlive a Spark session would
 * otherwise keep alive.
 */
public final class BenchMain {
    private BenchMain() {}

    /** A benchmark's run with its settings. */
    @FunctionalInterface
    public interface Run<S> {
        void run(S settings) throws Exception;
    }

    /**
     * Parses {@code args} with {@code parse}, which throws {@link IllegalArgumentException} naming what is wrong, runs
     * {@code run} with the settings, and exits.
     */
    public static <S> void main(String[] args, Function<String[], S> parse, String usage, Run<S> run) {
        S settings;
        try {
            settings = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            run.run(settings);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
