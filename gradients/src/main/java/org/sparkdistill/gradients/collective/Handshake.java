package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
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
     * Runs the acceptor's side and returns the connector's rank, or throws if the connector is not a
     * member of this group holding the secret.
     *
     * @param expected true for each rank this acceptor still waits for
     */
    int accept(SocketChannel channel, int size, int rank, boolean[] expected, long deadlineNanos)
            throws IOException {
        String where = "rank " + rank + " accepting a connection from " + channel.getRemoteAddress();
        ByteBuffer hello = ByteBuffer.allocate(HELLO_BYTES);
        ChannelIo.readFully(channel, hello, deadlineNanos, where);
        hello.flip();
        int magic = hello.getInt();
        int version = hello.getInt();
        int theirSize = hello.getInt();
        int theirRank = hello.getInt();
        int theirPeer = hello.getInt();
        if (magic != MAGIC) {
            throw new CollectiveException(where + ": not a spark-distill peer (bad magic number)");
        }
        if (version != VERSION || theirSize != size || theirPeer != rank) {
            throw new CollectiveException(where + ": the peer speaks protocol version " + version + " in a group of "
                    + theirSize + " and is looking for rank " + theirPeer + "; this is rank " + rank
                    + " of a group of " + size + " speaking version " + VERSION);
        }
        if (theirRank < 0 || theirRank >= size || !expected[theirRank]) {
            throw new CollectiveException(where + ": the peer claims rank " + theirRank
                    + ", which is not a rank this one is waiting for");
        }
        byte[] acceptorNonce = nonce();
        ByteBuffer answer = ByteBuffer.allocate(NONCE_BYTES + MAC_BYTES);
        answer.put(acceptorNonce).put(mac(ACCEPTOR_LABEL, hello.array(), acceptorNonce)).flip();
        ChannelIo.writeFully(channel, answer, deadlineNanos, where);
        ByteBuffer proof = ByteBuffer.allocate(MAC_BYTES);
        try {
            ChannelIo.readFully(channel, proof, deadlineNanos, where);
        } catch (CollectiveException e) {
            throw new CollectiveException(where + ": the peer claiming rank " + theirRank + " failed the HMAC"
                    + " challenge; it hung up instead of proving it holds this job's secret (" + e.getMessage() + ")", e);
        }
        boolean valid = MessageDigest.isEqual(mac(CONNECTOR_LABEL, hello.array(), acceptorNonce), proof.array());
        ChannelIo.writeFully(channel, ByteBuffer.wrap(new byte[] {valid ? ACCEPTED : REFUSED}), deadlineNanos, where);
        if (!valid) {
            throw new CollectiveException(where + ": the peer claiming rank " + theirRank
                    + " failed the HMAC challenge; it does not hold this job's secret");
        }
        return theirRank;
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
