package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual HMAC-SHA256 challenge and response on a new connection: each side proves it holds the
 * group's secret without revealing it, over a nonce chosen by the other side, before any frame flows.
 *
 * <p>The connector sends a hello (magic, version, group size, both ranks, its nonce); the acceptor
 * answers with its own nonce and a MAC over the hello and that nonce; the connector checks it and
 * answers with its MAC (under a different label); the acceptor checks that and sends a one-byte
 * verdict. The connection is authenticated, not encrypted.
 */
final class Handshake {
    static final int MIN_SECRET_BYTES = 16;
    private static final int MAGIC = 0x53445354;
    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 32;
    private static final int MAC_BYTES = 32;
    private static final int HELLO_BYTES = 5 * Integer.BYTES + NONCE_BYTES;
    private static final byte ACCEPTED = 1;
    private static final byte REFUSED = 0;
    private static final byte[] ACCEPTOR_LABEL = "spark-distill acceptor".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTOR_LABEL = "spark-distill connector".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;

    Handshake(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the group secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, got " + (secret == null ? "none" : secret.length + " bytes"));
        }
        this.secret = secret.clone();
    }

    /** A fresh random secret for one job. */
    static byte[] newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** Runs the connector's side; returns normally only if both sides proved they hold the secret. */
    void connect(SocketChannel channel, int size, int rank, int peer, long deadlineNanos) throws IOException {
        String where = "rank " + rank + " connecting to rank " + peer + " at " + channel.getRemoteAddress();
        ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
        hello.putInt(MAGIC).putInt(VERSION).putInt(size).putInt(rank).putInt(peer).put(nonce()).flip();
        ChannelIo.writeFully(channel, hello.duplicate(), deadlineNanos, where);
        ByteBuffer answer = ByteBuffer.allocate(NONCE_BYTES + MAC_BYTES);
        ChannelIo.readFully(channel, answer, deadlineNanos, where);
        byte[] acceptorNonce = slice(answer, 0, NONCE_BYTES);
        if (!MessageDigest.isEqual(mac(ACCEPTOR_LABEL, hello.array(), acceptorNonce),
                slice(answer, NONCE_BYTES, MAC_BYTES))) {
            throw new CollectiveException(where + ": the peer failed the HMAC challenge; it does not hold this"
                    + " job's secret (the ranks were given different secrets, or another process owns that port)");
        }
        ChannelIo.writeFully(channel, ByteBuffer.wrap(mac(CONNECTOR_LABEL, hello.array(), acceptorNonce)),
                deadlineNanos, where);
        ByteBuffer verdict = ByteBuffer.allocate(1);
        ChannelIo.readFully(channel, verdict, deadlineNanos, where);
        if (verdict.get(0) != ACCEPTED) {
            throw new CollectiveException(where + ": the peer refused this rank's proof; this process does not"
                    + " hold the job's secret");
        }
    }

    /**
     * Starts the acceptor's side on a new connection; {@link Acceptance#advance} drives it.
     *
     * @param expected true for each rank this acceptor still waits for; read when the connector's hello arrives
     */
    Acceptance accepting(SocketChannel channel, int size, int rank, boolean[] expected) throws IOException {
        return new Acceptance(channel, size, rank, expected);
    }

    /**
     * The acceptor's side of one handshake, advanced without blocking whenever its channel is ready, so that one
     * thread serves many connections at once and a silent one delays no other. Not thread-safe.
     */
    final class Acceptance {
        private final SocketChannel channel;
        private final int size;
        private final int rank;
        private final boolean[] expected;
        private final String where;
        private final ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
        private final ByteBuffer proof = ByteBuffer.allocate(MAC_BYTES);
        private ByteBuffer reply;
        private byte[] acceptorNonce;
        private int theirRank = -1;
        private boolean proven;

        private Acceptance(SocketChannel channel, int size, int rank, boolean[] expected) throws IOException {
            this.channel = channel;
            this.size = size;
            this.rank = rank;
            this.expected = expected;
            this.where = "rank " + rank + " accepting a connection from " + channel.getRemoteAddress();
        }

        /**
         * Reads and writes what the channel allows now.
         *
         * @return the connector's rank once both sides proved they hold the secret; -1 while the handshake goes on
         * @throws CollectiveException if the connector is not a member of this group holding the secret
         */
        int advance() throws IOException {
            if (theirRank < 0) {
                if (!fill(hello)) {
                    return -1;
                }
                answerHello();
            }
            if (acceptorNonce != null) {
                if (!drain(reply)) {
                    return -1;
                }
                if (!fill(proof)) {
                    return -1;
                }
                proven = MessageDigest.isEqual(mac(CONNECTOR_LABEL, hello.array(), acceptorNonce), proof.array());
                reply = ByteBuffer.wrap(new byte[] {proven ? ACCEPTED : REFUSED});
                acceptorNonce = null;
            }
            if (!drain(reply)) {
                return -1;
            }
            if (!proven) {
                throw new CollectiveException(where + ": the peer claiming rank " + theirRank
                        + " failed the HMAC challenge; it does not hold this job's secret");
            }
            return theirRank;
        }

        /** What the handshake waits for next: {@link SelectionKey#OP_WRITE} while a reply is unsent, else a read. */
        int interestOps() {
            return reply != null && reply.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        }

        private void answerHello() {
            hello.flip();
            int magic = hello.getInt();
            int version = hello.getInt();
            int theirSize = hello.getInt();
            int claimed = hello.getInt();
            int theirPeer = hello.getInt();
            if (magic != MAGIC) {
                throw new CollectiveException(where + ": not a spark-distill peer (bad magic number)");
            }
            if (version != VERSION || theirSize != size || theirPeer != rank) {
                throw new CollectiveException(where + ": the peer speaks protocol version " + version
                        + " in a group of " + theirSize + " and is looking for rank " + theirPeer + "; this is rank "
                        + rank + " of a group of " + size + " speaking version " + VERSION);
            }
            if (claimed < 0 || claimed >= size || !expected[claimed]) {
                throw new CollectiveException(where + ": the peer claims rank " + claimed
                        + ", which is not a rank this one is waiting for");
            }
            theirRank = claimed;
            acceptorNonce = nonce();
            reply = ByteBuffer.allocate(NONCE_BYTES + MAC_BYTES);
            reply.put(acceptorNonce).put(mac(ACCEPTOR_LABEL, hello.array(), acceptorNonce)).flip();
        }

        /** Reads into {@code buffer}; true once it is full. */
        private boolean fill(ByteBuffer buffer) throws IOException {
            if (buffer.hasRemaining() && channel.read(buffer) < 0) {
                String cut = "the peer closed the connection after " + buffer.position() + " of " + buffer.limit()
                        + " bytes";
                throw new CollectiveException(buffer == proof ? where + ": the peer claiming rank " + theirRank
                        + " failed the HMAC challenge; it hung up instead of proving it holds this job's secret ("
                        + cut + ")" : where + ": " + cut);
            }
            return !buffer.hasRemaining();
        }

        /** Writes from {@code buffer}; true once it is sent. */
        private boolean drain(ByteBuffer buffer) throws IOException {
            channel.write(buffer);
            return !buffer.hasRemaining();
        }
    }

    private byte[] mac(byte[] label, byte[] hello, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label);
            mac.update(hello);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] slice(ByteBuffer buffer, int from, int length) {
        byte[] bytes = new byte[length];
        buffer.get(from, bytes);
        return bytes;
    }
}
