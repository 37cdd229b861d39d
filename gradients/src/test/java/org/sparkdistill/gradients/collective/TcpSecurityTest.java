package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.gradients.testing.ArrayAssertions;

/**
 * What the TCP transport refuses: peers without the group's secret, frames with hostile lengths,
 * and frames cut short. Rank 1 here is often a hand-written peer speaking raw bytes: one that answers rank 0's
 * challenge with a wrong proof reaches rank 0's own check of the proof, which a real connector with the wrong
 * secret never does, since it refuses rank 0's answer first and hangs up.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TcpSecurityTest {
    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofSeconds(20), Duration.ofSeconds(10),
            Duration.ofSeconds(20), 1 << 16);
    // The handshake's wire format, written out here so that the hand-written peer does not borrow Handshake's code.
    private static final int MAGIC = 0x53445354;
    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 32;
    private static final int MAC_BYTES = 32;
    private static final byte[] CONNECTOR_LABEL = "spark-distill connector".getBytes(StandardCharsets.US_ASCII);
    private static final byte ACCEPTED = 1;
    private static final byte REFUSED = 0;

    @Test
    void aPeerSendingAWrongProofIsRefusedByRank0AndTheRealPeerStillJoins() throws Exception {
        Intrusion intrusion = realGroupFormsAfter(intruder -> {
            assertEquals(REFUSED, handshakeByHand(intruder, TcpEndpoint.newSecret()),
                    "rank 0's verdict on a proof made with another secret");
            CollectiveException closed = assertThrows(CollectiveException.class,
                    () -> ChannelIo.readFully(intruder, ByteBuffer.allocate(1), deadline(), "intruder"),
                    "rank 0 closes the connection after refusing it");
            assertEquals("intruder: the peer closed the connection after 0 of 1 bytes", closed.getMessage());
        });
        assertEquals(List.of(new TcpEndpoint.Refusal(intrusion.from(), "rank 0 accepting a connection from "
                + intrusion.from() + ": the peer claiming rank 1 failed the HMAC challenge; it does not hold this"
                + " job's secret")), intrusion.refusals());
    }

    @Test
    void theHandWrittenPeerWithTheRightSecretIsAcceptedSoOnlyTheProofDecides() throws Exception {
        byte[] secret = TcpEndpoint.newSecret();
        try (TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS)) {
            List<InetSocketAddress> addresses = List.of(rank0.address(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
            CompletableFuture<Transport> accepting = CompletableFuture.supplyAsync(
                    () -> rank0.connect(0, addresses, secret));
            try (SocketChannel peer = SocketChannel.open(rank0.address())) {
                peer.configureBlocking(false);
                assertEquals(ACCEPTED, handshakeByHand(peer, secret));
                accepting.get(1, TimeUnit.MINUTES).close();
            }
            assertEquals(List.of(), rank0.refused());
        }
    }

    @Test
    void aConnectorWithTheWrongSecretRefusesRank0AndHangsUpAndTheRealPeerStillJoins() throws Exception {
        Intrusion intrusion = realGroupFormsAfter(intruder -> {
            CollectiveException refused = assertThrows(CollectiveException.class,
                    () -> new Handshake(TcpEndpoint.newSecret()).connect(intruder, 2, 1, 0, deadline()));
            assertTrue(refused.getMessage().contains("failed the HMAC challenge"), refused.getMessage());
        });
        assertEquals(1, intrusion.refusals().size(), intrusion::toString);
        assertEquals(intrusion.from(), intrusion.refusals().get(0).from());
        assertTrue(intrusion.refusals().get(0).reason().endsWith("it hung up instead of proving it holds this job's"
                + " secret (the peer closed the connection after 0 of 32 bytes)"), intrusion::toString);
    }

    /** What an intruder does on its connection to rank 0, which it opened before the real rank 1 connects. */
    @FunctionalInterface
    private interface Intruder {
        void intrude(SocketChannel toRank0) throws Exception;
    }

    /** The intruder's address and the connections rank 0 refused while its group formed. */
    private record Intrusion(SocketAddress from, List<TcpEndpoint.Refusal> refusals) {
    }

    /**
     * Lets {@code intruder} connect to a waiting rank 0 and closes its connection, then has the real rank 1 join with
     * the group's secret and checks an all-reduce between the two; returns what rank 0 refused.
     */
    private static Intrusion realGroupFormsAfter(Intruder intruder) throws Exception {
        byte[] secret = TcpEndpoint.newSecret();
        try (TcpEndpoint rank0 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
             TcpEndpoint rank1 = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS)) {
            List<InetSocketAddress> addresses = List.of(rank0.address(), rank1.address());
            CompletableFuture<Transport> accepting = CompletableFuture.supplyAsync(
                    () -> rank0.connect(0, addresses, secret));
            SocketAddress from;
            try (SocketChannel channel = SocketChannel.open(rank0.address())) {
                channel.configureBlocking(false);
                from = channel.getLocalAddress();
                intruder.intrude(channel);
            }
            allReduceOfTheRealRanksSums(rank1.connect(1, addresses, secret), accepting.get(1, TimeUnit.MINUTES));
            return new Intrusion(from, rank0.refused());
        }
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

    /** Runs one all-reduce between ranks 0 and 1 and checks that both hold exactly the sum of their inputs. */
    private static void allReduceOfTheRealRanksSums(Transport t1, Transport t0) {
        List<INDArray> sums = Ranks.all(2, rank -> {
            try (Communicator c = Communicator.of(rank == 0 ? t0 : t1)) {
                INDArray v = TransportContract.input(rank, 10, DataType.FLOAT);
                c.allReduceSum(v);
                return v;
            }
        });
        // Two addends: the sum is the same correctly rounded float in either order.
        INDArray expected = TransportContract.expectedSum(2, 10, DataType.FLOAT);
        ArrayAssertions.assertIdentical(expected, sums.get(0), "rank 0's sum");
        ArrayAssertions.assertIdentical(expected, sums.get(1), "rank 1's sum");
    }

    /**
     * Speaks the connector's side of the handshake byte by byte, as rank 1 of a group of 2 calling rank 0, and answers
     * rank 0's challenge with the MAC that {@code proofSecret} gives; returns rank 0's one-byte verdict. Written from
     * the protocol described in {@link Handshake}, not with its code, so that rank 0 alone judges the proof.
     */
    private static byte handshakeByHand(SocketChannel channel, byte[] proofSecret) throws Exception {
        byte[] nonce = new byte[NONCE_BYTES];
        new Random(1_207L).nextBytes(nonce);
        ByteBuffer hello = ByteBuffer.allocate(5 * Integer.BYTES + NONCE_BYTES);
        hello.putInt(MAGIC).putInt(VERSION).putInt(2).putInt(1).putInt(0).put(nonce).flip();
        ChannelIo.writeFully(channel, hello.duplicate(), deadline(), "hand-written peer");

        ByteBuffer answer = ByteBuffer.allocate(NONCE_BYTES + MAC_BYTES);
        ChannelIo.readFully(channel, answer, deadline(), "hand-written peer");
        byte[] acceptorNonce = Arrays.copyOf(answer.array(), NONCE_BYTES);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(proofSecret, "HmacSHA256"));
        mac.update(CONNECTOR_LABEL);
        mac.update(hello.array());
        ChannelIo.writeFully(channel, ByteBuffer.wrap(mac.doFinal(acceptorNonce)), deadline(), "hand-written peer");

        ByteBuffer verdict = ByteBuffer.allocate(1);
        ChannelIo.readFully(channel, verdict, deadline(), "hand-written peer");
        return verdict.get(0);
    }

    private static ByteBuffer header(int tag, int length) {
        return ByteBuffer.allocate(8).putInt(tag).putInt(length).flip();
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }

}
