package org.sparkdistill.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one {@code ip} or {@code tc} command, and fails with the command line and what it wrote to standard error. */
final class Command {
    private static final long TIMEOUT_SECONDS = 30;

    private Command() {}

    /** Runs {@code command} to its end and returns its standard output. */
    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> text(process.getErrorStream()));
        String output = text(process.getInputStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` did not finish in " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("`" + String.join(" ", command) + "` failed with exit status " + process.exitValue()
                    + ": " + errors.join().strip());
        }
        return output;
    }

    private static String text(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
