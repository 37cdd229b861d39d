package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;

/**
 * Point-to-point frames between the ranks of one group: the one primitive every collective is built on.
 *
 * <p>A frame carries a tag and the bytes of one buffer. The receiver always knows how many bytes it
 * expects and with which tag, so a frame that does not match is refused with an error instead of
 * being read into the wrong place. After any failure the transport closes all its connections, so
 * that peers waiting on it fail at once instead of waiting for their timeout.
 *
 * <p>Not thread-safe: one thread drives a transport at a time; {@link #keepAlive} alone may be called from
 * another thread while it does.
 */
public interface Transport extends AutoCloseable {

    /** Used in place of a peer rank when {@link #exchange} only sends or only receives. */
    int NONE = -1;

    /** This process's rank, in {@code [0, size())}. */
    int rank();

    /** The number of ranks in the group. */
    int size();

    /**
     * Sends the remaining bytes of {@code out} to rank {@code to} while receiving one frame from rank
     * {@code from} into the remaining bytes of {@code in}; either side may be {@link #NONE}.
     * Sending and receiving proceed together, so a ring of ranks that all send and receive at once
     * cannot deadlock on full socket buffers. Both buffers' positions advance to their limits.
     *
     * @throws CollectiveException if the peer fails, closes, times out, or sends a frame whose tag or
     *     length differs from what {@code in} expects
     */
    void exchange(int to, ByteBuffer out, int from, ByteBuffer in, int tag);

    /** Sends the remaining bytes of {@code out} to rank {@code to} as one frame. */
    default void send(int to, ByteBuffer out, int tag) {
        exchange(to, out, NONE, null, tag);
    }

    /** Receives one frame from rank {@code from} into the remaining bytes of {@code in}. */
    default void receive(int from, ByteBuffer in, int tag) {
        exchange(NONE, null, from, in, tag);
    }

    /**
     * Tells the other ranks, until the returned scope is closed, that this rank is alive but busy with local work
     * (evaluating, writing a checkpoint) outside the exchange, so that a peer waiting on it does not fail after its
     * timeout. A rank that stops running (frozen, or its process gone) stops telling, and is detected as before.
     * May be called from any thread, also while another thread drives an exchange.
     *
     * @param activity what the rank is busy with, to name the scope in thread names and messages
     * @throws CollectiveException if the transport is closed or failed earlier
     */
    KeepAlive keepAlive(String activity);

    /**
     * Closes every connection and ends every open {@link #keepAlive} scope; peers blocked on this rank fail at once.
     * Idempotent.
     */
    @Override
    void close();
}
