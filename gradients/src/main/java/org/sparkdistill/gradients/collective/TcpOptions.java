package org.sparkdistill.gradients.collective;

import java.time.Duration;

/**
 * Limits of the TCP transport.
 *
 * @param connectTimeout how long connecting the group (listen, connect, handshakes) may take in all
 * @param ioTimeout how long a send or receive may go without any progress before the peer is declared lost
 * @param maxFrameBytes the largest frame a rank sends or accepts; larger headers are refused unread
 */
public record TcpOptions(Duration connectTimeout, Duration ioTimeout, int maxFrameBytes) {
    /** 2 minutes to connect, 2 minutes of silence, 64 MiB frames. */
    public static final TcpOptions DEFAULTS = new TcpOptions(Duration.ofMinutes(2), Duration.ofMinutes(2), 64 << 20);

    public TcpOptions {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("ioTimeout", ioTimeout);
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1, got " + maxFrameBytes);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
