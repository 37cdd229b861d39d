package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The TCP transport under faults: connections that never speak during the handshakes, peers that stall (alive, but
 * neither reading nor writing, as under {@code kill -STOP}), and a rank whose thread is interrupted. Every test ends
 * well within its timeout only if the transport does not wait for a timeout it should not wait for.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TcpFaultsTest {
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void silentConnectionsOpenedBeforeThePeersDelayNoRankAndAreClosedOnceTheGroupIsComplete() throws Exception {
        TcpOptions options = new TcpOptions(LONG, LONG, LONG, 1 << 16);
        List<TcpEndpoint> endpoints = listen(3, options);
        List<SocketChannel> silent = new ArrayList<>();
        try {
            for (TcpEndpoint acceptor : endpoints.subList(0, 2)) {
                silent.add(SocketChannel.open(acceptor.address()));
                silent.add(SocketChannel.open(acceptor.address()));
            }
            List<InetSocketAddress> addresses = endpoints.stream().map(TcpEndpoint::address).toList();
            byte[] secret = TcpEndpoint.newSecret();
            List<float[]> sums = Ranks.all(3, rank -> {
                try (Communicator group = Communicator.of(endpoints.get(rank).connect(rank, addresses, secret))) {
                    INDArray v = TransportContract.input(rank, 5, DataType.FLOAT);
                    group.allReduceSum(v);
                    return v.toFloatVector();
                }
            });
            assertArrayEquals(sums.get(0), sums.get(2));

            for (int rank = 0; rank < 2; rank++) {
                List<String> refused = endpoints.get(rank).refused().stream().map(Object::toString).toList();
                assertEquals(2, refused.size(), refused::toString);
                for (SocketChannel connection : silent.subList(2 * rank, 2 * rank + 2)) {
                    assertTrue(refused.contains("from " + connection.getLocalAddress()
                            + ": the group was complete before its handshake finished"), refused::toString);
                    assertEquals(-1, connection.read(ByteBuffer.allocate(1)), "the refused connection is closed");
                }
            }
            assertEquals(List.of(), endpoints.get(2).refused());
        } finally {
            closeAll(silent);
        }
    }

    @Test
    void aConnectionSilentForTheHandshakeTimeoutIsRefusedWhileTheRankKeepsWaitingForItsPeer() throws Exception {
        TcpOptions options = new TcpOptions(LONG, SHORT, LONG, 1 << 16);
        List<TcpEndpoint> endpoints = listen(2, options);
        List<InetSocketAddress> addresses = endpoints.stream().map(TcpEndpoint::address).toList();
        byte[] secret = TcpEndpoint.newSecret();
        try (SocketChannel silent = SocketChannel.open(addresses.get(0))) {
            CompletableFuture<Transport> rank0 = CompletableFuture.supplyAsync(
                    () -> endpoints.get(0).connect(0, addresses, secret));
            long opened = System.nanoTime();
            assertEquals(-1, silent.read(ByteBuffer.allocate(1)), "rank 0 closes the silent connection");
            assertTrue(System.nanoTime() - opened >= SHORT.toNanos() / 2, "not before its handshake timeout");

            try (Transport t1 = endpoints.get(1).connect(1, addresses, secret);
                 Transport t0 = rank0.get(1, TimeUnit.MINUTES)) {
                assertEquals(List.of(new TcpEndpoint.Refusal(silent.getLocalAddress(),
                        "no handshake within 300 ms (handshakeTimeout)")), endpoints.get(0).refused());
            }
        }
    }

    @Test
    void aRankReceivingFromAStalledPeerFailsAfterTheIoTimeoutNamingThePeerItsAddressAndTheSetting() {
        TcpOptions options = new TcpOptions(LONG, LONG, SHORT, 1 << 16, "training.");
        List<TcpEndpoint> endpoints = listen(2, options);
        InetSocketAddress peer = endpoints.get(1).address();
        List<Transport> group = connect(endpoints);
        try {
            long started = System.nanoTime();
            CollectiveException stalled = assertThrows(CollectiveException.class,
                    () -> group.get(0).receive(1, ByteBuffer.allocateDirect(400), Tags.ALL_REDUCE));
            assertTrue(System.nanoTime() - started >= SHORT.toNanos(), "not before the timeout");
            assertEquals("rank 0: no progress receiving from rank 1 at " + peer
                    + " for 300 ms (training.ioTimeout); the peer is alive but stalled, or the network is down",
                    stalled.getMessage());
        } finally {
            group.forEach(Transport::close);
        }
    }

    @Test
    void aRankSendingToAStalledPeerFailsOnceTheSocketBuffersAreFull() {
        int frame = 64 << 20;
        TcpOptions options = new TcpOptions(LONG, LONG, SHORT, frame, "training.");
        List<TcpEndpoint> endpoints = listen(2, options);
        InetSocketAddress peer = endpoints.get(0).address();
        List<Transport> group = connect(endpoints);
        try {
            ByteBuffer large = ByteBuffer.allocateDirect(frame);
            CollectiveException stalled = assertThrows(CollectiveException.class,
                    () -> group.get(1).send(0, large, Tags.ALL_REDUCE));
            assertTrue(large.position() > 0 && large.hasRemaining(), "sent " + large.position() + " bytes");
            assertEquals("rank 1: no progress sending to rank 0 at " + peer
                    + " for 300 ms (training.ioTimeout); the peer is alive but stalled, or the network is down",
                    stalled.getMessage());
        } finally {
            group.forEach(Transport::close);
        }
    }

    @Test
    void anInterruptedRankStopsWaitingAtOnceAndItsPeerFailsWithoutWaitingForTheTimeout() throws Exception {
        TcpOptions options = new TcpOptions(LONG, LONG, LONG, 1 << 16);
        List<Transport> group = connect(listen(2, options));
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread waiting = new Thread(() -> {
                try {
                    group.get(0).receive(1, ByteBuffer.allocateDirect(400), Tags.ALL_REDUCE);
                    failure.complete(null);
                } catch (RuntimeException e) {
                    failure.complete(e);
                }
            }, "rank 0");
            waiting.start();
            waiting.interrupt();
            waiting.join();
            String message = String.valueOf(failure.get().getMessage());
            assertTrue(message.startsWith("rank 0 receiving from rank 1 at ")
                    && message.endsWith(": interrupted: the thread was asked to stop"), message);

            CollectiveException peer = assertThrows(CollectiveException.class,
                    () -> group.get(1).receive(0, ByteBuffer.allocateDirect(400), Tags.ALL_REDUCE));
            assertTrue(peer.getMessage().contains("rank 0 closed the connection"), peer.getMessage());
        } finally {
            group.forEach(Transport::close);
        }
    }

    private static List<TcpEndpoint> listen(int size, TcpOptions options) {
        List<TcpEndpoint> endpoints = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            endpoints.add(TcpEndpoint.listen(InetAddress.getLoopbackAddress(), options));
        }
        return endpoints;
    }

    private static List<Transport> connect(List<TcpEndpoint> endpoints) {
        List<InetSocketAddress> addresses = endpoints.stream().map(TcpEndpoint::address).toList();
        byte[] secret = TcpEndpoint.newSecret();
        return Ranks.all(endpoints.size(), rank -> endpoints.get(rank).connect(rank, addresses, secret));
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
    }
}
