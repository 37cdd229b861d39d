package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the TCP transport refuses: peers without the group's secret, frames with hostile lengths,
 * and frames cut short. Rank 1 here is a hand-written peer speaking raw bytes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TcpSecurityTest {
    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofSeconds(20), Duration.ofSeconds(10),
            Duration.ofSeconds(20), 1 << 16);

    @Test
    void aPeerWithTheWrongSecretIsRefusedAndTheRealPeerStillJoins() throws Exception {
        byte[] secret = TcpEndpoint.newSecret();
        TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
        TcpEndpoint rank1 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
        List<InetSocketAddress> addresses = List.of(rank0.address(), rank1.address());
        CompletableFuture<Transport> accepting = CompletableFuture.supplyAsync(() -> rank0.connect(0, addresses, secret));

        try (SocketChannel intruder = SocketChannel.open(rank0.address())) {
            intruder.configureBlocking(false);
            CollectiveException refused = assertThrows(CollectiveException.class,
                    () -> new Handshake(TcpEndpoint.newSecret()).connect(intruder, 2, 1, 0, deadline()));
            assertTrue(refused.getMessage().contains("failed the HMAC challenge"), refused.getMessage());
        }

        Transport t1 = rank1.connect(1, addresses, secret);
        Transport t0 = accepting.get(1, TimeUnit.MINUTES);
        List<float[]> sums = Ranks.all(2, rank -> {
            try (Communicator c = Communicator.of(rank == 0 ? t0 : t1)) {
                INDArray v = TransportContract.input(rank, 10, DataType.FLOAT);
                c.allReduceSum(v);
                return v.toFloatVector();
            }
        });
        assertArrayEquals(sums.get(0), sums.get(1));
    }

    @Test
    void aGroupWhoseOnlyPeerLacksTheSecretFailsNamingTheRefusal() throws Exception {
        TcpOptions quick = new TcpOptions(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3), 1 << 16);
        TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), quick);
        List<InetSocketAddress> addresses = List.of(rank0.address(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        CompletableFuture<Transport> accepting = CompletableFuture.supplyAsync(
                () -> rank0.connect(0, addresses, TcpEndpoint.newSecret()));
        try (SocketChannel intruder = SocketChannel.open(rank0.address())) {
            intruder.configureBlocking(false);
            assertThrows(CollectiveException.class,
                    () -> new Handshake(TcpEndpoint.newSecret()).connect(intruder, 2, 1, 0, deadline()));
        }
        Throwable failure = assertThrows(Exception.class, () -> accepting.get(1, TimeUnit.MINUTES)).getCause();
        assertTrue(failure.getMessage().contains("ranks [1] did not connect")
                && failure.getMessage().contains("refused 1 connection")
                && failure.getMessage().contains("failed the HMAC challenge"), failure.getMessage());
    }

    @Test
    void aSecretShorterThan16BytesIsRefusedBeforeConnecting() {
        TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rank0.connect(0, List.of(rank0.address()), new byte[4]));
        assertTrue(e.getMessage().contains("at least 16 bytes"), e.getMessage());
    }

    @Test
    void aFrameWithAHugeLengthIsRefusedUnread() throws Exception {
        String message = receiveFromRawPeer(header(Tags.ALL_REDUCE, Integer.MAX_VALUE), 400);
        assertTrue(message.contains("rank 1 sent a frame of 2147483647 bytes; frames are limited to 65536"), message);
    }

    @Test
    void aFrameWithANegativeLengthIsRefusedUnread() throws Exception {
        String message = receiveFromRawPeer(header(Tags.ALL_REDUCE, -8), 400);
        assertTrue(message.contains("4294967288 bytes; frames are limited"), message);
    }

    @Test
    void aTruncatedFrameIsReportedWithHowMuchArrived() throws Exception {
        ByteBuffer truncated = ByteBuffer.allocate(8 + 100);
        truncated.put(header(Tags.ALL_REDUCE, 400)).put(new byte[100]).flip();
        String message = receiveFromRawPeer(truncated, 400);
        assertTrue(message.contains("rank 1 closed the connection after 100 of 400 bytes of a frame"), message);
    }

    @Test
    void aFrameFromAnotherCollectiveIsRefused() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(8 + 400);
        frame.put(header(Tags.BROADCAST, 400)).put(new byte[400]).flip();
        String message = receiveFromRawPeer(frame, 400);
        assertTrue(message.contains("sent a frame tagged broadcast where all-reduce was expected"), message);
    }

    @Test
    void aHeartbeatWithAPayloadIsRefusedNamingThePeer() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(8 + 400);
        frame.put(header(Tags.HEARTBEAT, 400)).put(new byte[400]).flip();
        String message = receiveFromRawPeer(frame, 400);
        assertEquals("rank 0: rank 1 sent a heartbeat of 400 bytes; heartbeats carry no payload", message);
    }

    @Test
    void heartbeatsBeforeAFrameAreConsumedAndTheFrameIsReceived() throws Exception {
        ByteBuffer frames = ByteBuffer.allocate(3 * 8 + 8 + 400);
        frames.put(header(Tags.HEARTBEAT, 0)).put(header(Tags.HEARTBEAT, 0)).put(header(Tags.HEARTBEAT, 0))
                .put(header(Tags.ALL_REDUCE, 400)).put(new byte[400]).flip();
        assertEquals("no error", receiveFromRawPeer(frames, 400));
    }

    @Test
    void aPeerClosingAfterHeartbeatsClosedWhileThisRankWaitedForAFrame() throws Exception {
        ByteBuffer frames = ByteBuffer.allocate(2 * 8);
        frames.put(header(Tags.HEARTBEAT, 0)).put(header(Tags.HEARTBEAT, 0)).flip();
        assertEquals("rank 0: rank 1 closed the connection while this rank waited for a frame",
                receiveFromRawPeer(frames, 400));
    }

    @Test
    void theHeartbeatTagIsNotForData() {
        List<Transport> group = TcpTransportTest.connect(2, OPTIONS);
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> group.get(0).send(1, ByteBuffer.allocate(4), Tags.HEARTBEAT));
            assertEquals("rank 0: tag 5 is reserved for heartbeats", refused.getMessage());
        } finally {
            group.forEach(Transport::close);
        }
    }

    /** Rank 1 completes the handshake with the right secret, writes {@code bytes} and closes; returns rank 0's error. */
    private static String receiveFromRawPeer(ByteBuffer bytes, int expectedBytes) throws Exception {
        byte[] secret = TcpEndpoint.newSecret();
        TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
        List<InetSocketAddress> addresses = List.of(rank0.address(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try (Transport t0 = rank0.connect(0, addresses, secret)) {
                t0.receive(1, ByteBuffer.allocateDirect(expectedBytes), Tags.ALL_REDUCE);
                return "no error";
            } catch (CollectiveException e) {
                return e.getMessage();
            }
        });
        try (SocketChannel raw = SocketChannel.open(rank0.address())) {
            raw.configureBlocking(false);
            new Handshake(secret).connect(raw, 2, 1, 0, deadline());
            ChannelIo.writeFully(raw, bytes, deadline(), "raw peer");
        }
        return received.get(1, TimeUnit.MINUTES);
    }

    private static ByteBuffer header(int tag, int length) {
        return ByteBuffer.allocate(8).putInt(tag).putInt(length).flip();
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }

}
