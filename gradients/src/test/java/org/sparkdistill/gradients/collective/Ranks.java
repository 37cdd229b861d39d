package org.sparkdistill.gradients.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs one body per rank, each on its own thread, and collects what every rank returned or threw. */
public final class Ranks {
    private Ranks() {
    }

    /** What one rank ended with: a value or a failure. */
    public record Outcome<T>(T value, Throwable failure) {
        T get() {
            if (failure != null) {
                throw new AssertionError("a rank failed: " + failure, failure);
            }
            return value;
        }
    }

    public static <T> List<Outcome<T>> run(int size, IntFunction<T> body) {
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int rank = 0; rank < size; rank++) {
                int r = rank;
                futures.add(pool.submit(() -> body.apply(r)));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(new Outcome<>(future.get(), null));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                }
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the body on every rank and returns the values, failing the test if any rank failed. */
    public static <T> List<T> all(int size, IntFunction<T> body) {
        return run(size, body).stream().map(Outcome::get).toList();
    }
}
