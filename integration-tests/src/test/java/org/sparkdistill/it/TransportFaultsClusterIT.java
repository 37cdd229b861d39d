package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;

/**
 * The replicas' transport under faults on a Spark standalone cluster of two one-core workers, one replica on each: a
 * connection that never speaks, held open to a rank's port during the rendezvous, and an executor frozen with STOP in
 * the middle of training.
 *
 * <p>The frozen executor keeps its task slot: Spark cannot know the task is gone until the executor misses its
 * heartbeats for {@code spark.network.timeout} (120 s). Once the other replica has failed the attempt, the test lets
 * the executor run again (CONT), as a paused machine resumes; its task then fails on its closed connections, frees
 * the slot, and the driver's next attempt runs on both executors. Each rank finds its address in its executor's log.
 */
class TransportFaultsClusterIT {
    private static final Pattern LISTENS = Pattern.compile(
            "rank (\\d+) of \\d+ listens for its peers on \\S*/([0-9.]+):(\\d+)");
    private static final Pattern RESUMED = Pattern.compile("resumes from step (\\d+)");
    private static final int IO_TIMEOUT_SECONDS = 10;
    private static final Duration LOOK_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = StandaloneCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aConnectionThatNeverSpeaksToARankDuringTheRendezvousDoesNotStopTheGroup() throws IOException {
        Path out = dir.resolve("idle");
        Set<Path> earlierLogs = Set.copyOf(cluster.executorLogs());
        // A handshake timeout far beyond the rendezvous: the group must form beside the silent connection, not
        // after it.
        CompletableFuture<Submission> running = submit(distill(out, 1, "training.handshakeTimeout=120"));
        try {
            Listening rank0 = awaitListening(0, earlierLogs, running);
            try (SocketChannel silent = SocketChannel.open(rank0.address())) {
                Submission run = running.join();

                assertEquals(0, run.exitCode(), run::toString);
                String log = Files.readString(rank0.log());
                assertTrue(log.contains("rank 0 refused 1 connection(s) to its port " + rank0.address().getPort()
                        + " while its group formed: [from " + silent.getLocalAddress()
                        + ": the group was complete before its handshake finished]"), log);
            }
        } finally {
            awaitEnd(running);
        }
    }

    @Test
    void aFrozenExecutorFailsTheAttemptWithinTheIoTimeoutAndTheRunFinishesFromItsCheckpoint() throws IOException {
        Path out = dir.resolve("frozen");
        Path checkpoints = dir.resolve("frozen.checkpoints");
        Set<Path> earlierLogs = Set.copyOf(cluster.executorLogs());
        // On a cluster the checkpoint directory is named: the default beside the output is refused off local mode.
        CompletableFuture<Submission> running = submit(distill(out, 4, "training.checkpointEvery=20",
                "training.checkpointDirectory=" + checkpoints.toUri(), "training.ioTimeout=" + IO_TIMEOUT_SECONDS));
        long frozen = -1;
        try {
            Listening rank0 = awaitListening(0, earlierLogs, running);
            Listening rank1 = awaitListening(1, earlierLogs, running);
            cluster.await("a first checkpoint in " + checkpoints, LOOK_TIMEOUT,
                    () -> stillRunning(running) && Fixtures.hasCheckpoint(checkpoints));
            frozen = cluster.executorPid(rank1.log());
            cluster.pauseExecutor(frozen);
            long pausedAt = System.nanoTime();
            cluster.await("rank 0's transport failure in " + rank0.log(), LOOK_TIMEOUT,
                    () -> read(rank0.log()).contains("rank 0: no progress"));
            double seconds = (System.nanoTime() - pausedAt) / 1e9;
            assertTrue(seconds < IO_TIMEOUT_SECONDS + 10, "rank 0 failed " + seconds + " s after rank 1 froze");
            cluster.resumeExecutor(frozen);
            Submission run = running.join();

            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(run.output().contains("training attempt 1 of 3 failed")
                    && run.output().contains("rank 1 at " + rank1.address())
                    && run.output().contains("for " + IO_TIMEOUT_SECONDS + " s (training.ioTimeout)"),
                    "the driver names the frozen peer, its address and the timeout's key: " + run);
            Matcher resumed = RESUMED.matcher(run.output());
            assertTrue(resumed.find() && Long.parseLong(resumed.group(1)) > 0,
                    "the second attempt resumes from a checkpoint after step 0: " + run);
        } finally {
            if (frozen > 0) {
                cluster.resumeExecutor(frozen);
            }
            awaitEnd(running);
        }
    }

    /** Lets a submission end before the next test starts one, whatever this one found; it ends or times out. */
    private static void awaitEnd(CompletableFuture<Submission> running) {
        running.exceptionally(failure -> null).join();
    }

    /** A data-parallel run of two replicas without teachers (α = 0) on 4000 rows, a small student and Kryo. */
    private static List<String> distill(Path out, int epochs, String... settings) {
        List<String> arguments = new ArrayList<>(List.of("distill", "--data", Fixtures.fashionMnist().toString(),
                "--limit", "4000", "--epochs", String.valueOf(epochs), "--seed", "5", "--output", out.toString(),
                "--set", "distillation.alpha=0", "--set", "student.hidden=64", "--set", "training.batchSize=32",
                "--set", "training.workers=2"));
        for (String setting : settings) {
            arguments.addAll(List.of("--set", setting));
        }
        return arguments;
    }

    private static CompletableFuture<Submission> submit(List<String> arguments) {
        return CompletableFuture.supplyAsync(() -> cluster.submit(arguments, Fixtures.STRICT_KRYO));
    }

    /** A rank's announcement in its executor's log: "rank 1 of 2 listens for its peers on /127.0.0.1:41234". */
    private record Listening(int rank, InetSocketAddress address, Path log) {
    }

    /** Waits for the first announcement of {@code rank} in an executor log not among {@code earlierLogs}. */
    private static Listening awaitListening(int rank, Set<Path> earlierLogs, CompletableFuture<Submission> running) {
        AtomicReference<Listening> found = new AtomicReference<>();
        cluster.await("rank " + rank + "'s address in an executor log", LOOK_TIMEOUT, () -> {
            stillRunning(running);
            for (Path log : cluster.executorLogs()) {
                if (!earlierLogs.contains(log)) {
                    Optional<Listening> listening = LISTENS.matcher(read(log)).results()
                            .filter(m -> Integer.parseInt(m.group(1)) == rank).findFirst()
                            .map(m -> new Listening(rank, new InetSocketAddress(m.group(2),
                                    Integer.parseInt(m.group(3))), log));
                    if (listening.isPresent()) {
                        found.set(listening.get());
                        return true;
                    }
                }
            }
            return false;
        });
        return found.get();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + log, e);
        }
    }

    /**
     * True while the submission runs; a submission that has ended before the test saw what it waits for fails the
     * test at once, with what the submission printed.
     */
    private static boolean stillRunning(CompletableFuture<Submission> running) {
        if (running.isDone()) {
            throw new IllegalStateException("the submission ended first: " + running.exceptionally(failure -> null)
                    .join());
        }
        return true;
    }

    /** Whether a checkpoint folder exists in a run's folder of the checkpoint directory. */
}
