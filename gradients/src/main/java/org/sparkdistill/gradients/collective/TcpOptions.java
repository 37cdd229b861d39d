package org.sparkdistill.gradients.collective;

import java.time.Duration;

/**
 * Limits of the TCP transport.
 *
 * @param connectTimeout how long connecting the group (listen, connect, handshakes) may take in all
 * @param handshakeTimeout how long one accepted connection may take to complete its handshake before it is refused;
 *     handshakes run concurrently, so a connection that stays silent holds up no other
 * @param ioTimeout how long a send or receive may go without any progress before the peer is declared lost; a
 *     heartbeat from any peer in a {@link Transport#keepAlive} scope counts as progress
 * @param maxFrameBytes the largest frame a rank sends or accepts; larger headers are refused unread
 * @param settingPrefix what error messages put before {@code handshakeTimeout} and {@code ioTimeout}, so that they
 *     name the setting a user changes: {@code "training."} names {@code training.ioTimeout}
 */
public record TcpOptions(Duration connectTimeout, Duration handshakeTimeout, Duration ioTimeout, int maxFrameBytes,
        String settingPrefix) {
    /** 2 minutes to connect, 10 seconds per handshake, 2 minutes of silence, 64 MiB frames. */
    public static final TcpOptions DEFAULTS = new TcpOptions(Duration.ofMinutes(2), Duration.ofSeconds(10),
            Duration.ofMinutes(2), 64 << 20);

    public TcpOptions {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("ioTimeout", ioTimeout);
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1, got " + maxFrameBytes);
        }
        if (settingPrefix == null) {
            throw new IllegalArgumentException("settingPrefix must be a string, got null");
        }
    }

    /** Limits whose error messages name the timeouts as this record does: ioTimeout, handshakeTimeout. */
    public TcpOptions(Duration connectTimeout, Duration handshakeTimeout, Duration ioTimeout, int maxFrameBytes) {
        this(connectTimeout, handshakeTimeout, ioTimeout, maxFrameBytes, "");
    }

    /**
     * How often a rank inside a {@link Transport#keepAlive} scope sends a heartbeat: a quarter of the I/O timeout, so a
     * late or lost heartbeat or two still reaches a waiting peer in time.
     */
    Duration heartbeatInterval() {
        return ioTimeout.dividedBy(4);
    }

    /** The I/O timeout with the setting that controls it, for error messages: "10 s (training.ioTimeout)". */
    String describeIoTimeout() {
        return describe(ioTimeout) + " (" + settingPrefix + "ioTimeout)";
    }

    /** The handshake timeout with the setting that controls it, for messages: "10 s (training.handshakeTimeout)". */
    String describeHandshakeTimeout() {
        return describe(handshakeTimeout) + " (" + settingPrefix + "handshakeTimeout)";
    }

    /** Whole seconds as "10 s", anything else in milliseconds. */
    static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
