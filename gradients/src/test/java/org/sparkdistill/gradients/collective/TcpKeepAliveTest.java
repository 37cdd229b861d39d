package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The TCP transport's keep-alive on the wire: heartbeats racing large data frames on the same connections, and a
 * process frozen ({@code kill -STOP}) inside a keep-alive scope. The contract tests cover a busy rank's peers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TcpKeepAliveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void heartbeatsRacingMultiMebibyteFramesOnTheSameConnectionsNeverCorruptASum() {
        int segment = 4 << 20;
        long length = 3L * (2 << 20);
        List<Transport> transports = TcpTransportTest.connect(2, new TcpOptions(Duration.ofMinutes(1),
                Duration.ofSeconds(10), Duration.ofSeconds(30), segment));
        float[] expected = TransportContract.integerSum(2, length);
        List<Long> heartbeats = Ranks.all(2, rank -> {
            AtomicBoolean exchanging = new AtomicBoolean(true);
            AtomicLong scopes = new AtomicLong();
            // Every scope sends a heartbeat to the peer as it opens, at any point of the data frames' way.
            Thread scoping = new Thread(() -> {
                while (exchanging.get()) {
                    transports.get(rank).keepAlive("racing the exchange").close();
                    scopes.incrementAndGet();
                }
            }, "keep-alive scopes, rank " + rank);
            scoping.start();
            try (Communicator c = Communicator.of(transports.get(rank), segment)) {
                for (int round = 0; round < 6 || scopes.get() < 50; round++) {
                    INDArray v = TransportContract.integers(rank, length);
                    c.allReduceSum(v);
                    assertArrayEquals(expected, v.toFloatVector(), "rank " + rank + ", round " + round);
                }
                exchanging.set(false);
                join(scoping);
                return ((TcpTransport) transports.get(rank)).heartbeatsReceived();
            } finally {
                exchanging.set(false);
                join(scoping);
            }
        });
        heartbeats.forEach(count -> assertTrue(count > 0, "heartbeats arrived between the frames: " + heartbeats));
    }

    @Test
    void aProcessFrozenInsideAKeepAliveScopeIsStillDetectedWithinTheIoTimeout() throws Exception {
        TcpOptions options = new TcpOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), TIMEOUT, 1 << 16);
        TcpEndpoint endpoint = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), options);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), BusyRank.class.getName(), Long.toString(TIMEOUT.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Transport transport = null;
        try {
            BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            int childPort = Integer.parseInt(fromChild.readLine());
            byte[] secret = TcpEndpoint.newSecret();
            PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            toChild.println(endpoint.address().getPort() + " " + HexFormat.of().formatHex(secret));
            transport = endpoint.connect(0, List.of(endpoint.address(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), childPort)), secret);
            assertEquals("busy", fromChild.readLine());

            Transport rank0 = transport;
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                    () -> rank0.receive(1, ByteBuffer.allocateDirect(4), Tags.ALL_REDUCE));
            assertThrows(TimeoutException.class, () -> waiting.get(3 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "the busy rank's heartbeats keep its peer waiting");

            long frozen = System.nanoTime();
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(child.pid())).start().waitFor());
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> waiting.get(10 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            long detectedAfter = System.nanoTime() - frozen;
            assertInstanceOf(CollectiveException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().startsWith("rank 0: no progress receiving from rank 1 at "),
                    failed.getCause().getMessage());
            assertTrue(detectedAfter < TIMEOUT.toNanos() + 1_000_000_000L, "detected " + detectedAfter / 1_000_000
                    + " ms after the freeze, not within about the timeout of " + TIMEOUT);
        } finally {
            if (transport != null) {
                transport.close();
            }
            endpoint.close();
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void closingTheTransportEndsTheKeepAliveThreadsOfItsOpenScopes() {
        List<Transport> group = TcpTransportTest.connect(2, new TcpOptions(Duration.ofMinutes(1),
                Duration.ofSeconds(10), TIMEOUT, 1 << 16));
        try {
            KeepAlive first = group.get(0).keepAlive("evaluation");
            KeepAlive second = group.get(0).keepAlive("checkpoint");
            assertEquals(List.of("spark-distill keep-alive, rank 0 (checkpoint)",
                    "spark-distill keep-alive, rank 0 (evaluation)"), keepAliveThreads());
            group.get(0).close();
            assertEquals(List.of(), keepAliveThreads(), "no keep-alive thread outlives its transport");
            first.close();
            second.close();
        } finally {
            group.forEach(Transport::close);
        }
    }

    private static List<String> keepAliveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("spark-distill keep-alive")).sorted().toList();
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Rank 1 of a two-rank group in a process of its own: prints its port, reads rank 0's port and the secret, connects,
     * opens a keep-alive scope, prints "busy" and stays in the scope until its input ends.
     */
    static final class BusyRank {
        public static void main(String[] args) throws IOException {
            TcpOptions options = new TcpOptions(Duration.ofSeconds(30), Duration.ofSeconds(10),
                    Duration.ofMillis(Long.parseLong(args[0])), 1 << 16);
            TcpEndpoint endpoint = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), options);
            System.out.println(endpoint.address().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String[] parent = in.readLine().split(" ");
            List<InetSocketAddress> addresses = List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(parent[0])),
                    endpoint.address());
            try (Transport transport = endpoint.connect(1, addresses, HexFormat.of().parseHex(parent[1]));
                 KeepAlive busy = transport.keepAlive("a frozen rank's work")) {
                System.out.println("busy");
                System.out.flush();
                while (in.read() >= 0) {
                    // stays busy until rank 0's test ends its input
                }
            }
        }
    }
}
