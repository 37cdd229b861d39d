package org.sparkdistill.bench.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Ranks find each other through one file per rank in a shared directory, each written whole by an atomic move. */
final class Rendezvous {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long POLL_MILLIS = 20;

    private Rendezvous() {}

    /** Publishes what {@code rank} tells the others. */
    static void announce(Path directory, int rank, String value) throws IOException {
        Path temp = directory.resolve("rank-" + rank + ".tmp");
        Files.writeString(temp, value, StandardCharsets.UTF_8);
        Files.move(temp, directory.resolve("rank-" + rank), StandardCopyOption.ATOMIC_MOVE);
    }

    /** What every rank announced, by rank, once all have. */
    static List<String> awaitAll(Path directory, int ranks) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> values = new ArrayList<>();
        for (int rank = 0; rank < ranks; rank++) {
            Path file = directory.resolve("rank-" + rank);
            while (!Files.exists(file)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("rank " + rank + " did not announce itself in " + directory + " within "
                            + TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(POLL_MILLIS);
            }
            values.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        return values;
    }
}
