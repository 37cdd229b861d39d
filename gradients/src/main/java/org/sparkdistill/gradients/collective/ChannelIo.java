package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Whole-buffer reads and writes on a non-blocking channel, bounded by a deadline and ended at once by an interrupt of
 * the calling thread (which stays interrupted).
 */
final class ChannelIo {
    private ChannelIo() {
    }

    /** Writes all remaining bytes of {@code buffer}, or fails once {@code deadlineNanos} passes. */
    static void writeFully(SocketChannel channel, ByteBuffer buffer, long deadlineNanos, String what)
            throws IOException {
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(selector, deadlineNanos, what);
                }
            }
            key.cancel();
        }
    }

    /** Fills all remaining bytes of {@code buffer}, or fails on end of stream or once the deadline passes. */
    static void readFully(SocketChannel channel, ByteBuffer buffer, long deadlineNanos, String what)
            throws IOException {
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new CollectiveException(what + ": the peer closed the connection after "
                            + buffer.position() + " of " + buffer.limit() + " bytes");
                }
                if (n == 0) {
                    await(selector, deadlineNanos, what);
                }
            }
            key.cancel();
        }
    }

    private static void await(Selector selector, long deadlineNanos, String what) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
        requireNotInterrupted(what);
        if (System.nanoTime() >= deadlineNanos) {
            throw new CollectiveException(what + ": timed out");
        }
    }

    /**
     * Fails if the calling thread was interrupted, leaving it interrupted. A selector returns at once while its thread
     * is interrupted, so every loop around a select checks this, or it would spin until its deadline.
     */
    static void requireNotInterrupted(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CollectiveException(what + ": interrupted: the thread was asked to stop");
        }
    }
}
