package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * The sending side of one connection: the data frame being written and the heartbeats, which never interleave.
 *
 * <p>A frame is an 8-byte header (tag, length) followed by the payload, written straight from the caller's buffer. A
 * heartbeat is a header alone, tagged {@link Tags#HEARTBEAT}, and is only started between data frames; a heartbeat the
 * socket took in part is finished before the next data frame starts. Every write is non-blocking and made under this
 * object's lock, which is held for one write call only, so neither the data path nor the heartbeat thread ever waits
 * on the other for long. Thread-safe.
 */
final class Outbox {
    static final int HEADER_BYTES = 2 * Integer.BYTES;

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer heartbeat = ByteBuffer.allocateDirect(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer[] frame = new ByteBuffer[2];
    private boolean framing;

    Outbox(SocketChannel channel) {
        this.channel = channel;
        heartbeat.putInt(Tags.HEARTBEAT).putInt(0).flip();
        heartbeat.position(heartbeat.limit());
    }

    /** Starts a data frame of the remaining bytes of {@code payload}; the previous one must have been sent. */
    synchronized void start(int tag, ByteBuffer payload) {
        header.clear();
        header.putInt(tag).putInt(payload.remaining()).flip();
        frame[0] = header;
        frame[1] = payload;
        framing = true;
    }

    /** Writes what the socket takes now of an unfinished heartbeat, then of the data frame; returns the bytes sent. */
    synchronized long send() throws IOException {
        long written = 0;
        if (heartbeat.hasRemaining()) {
            written += channel.write(heartbeat);
            if (heartbeat.hasRemaining()) {
                return written;
            }
        }
        written += channel.write(frame);
        if (!header.hasRemaining() && !frame[1].hasRemaining()) {
            framing = false;
            frame[1] = null;
        }
        return written;
    }

    /** True while the data frame started last has bytes left to send. */
    synchronized boolean sending() {
        return framing;
    }

    /**
     * Writes a heartbeat, or what the socket takes of it, unless a data frame is on its way: that frame must not be
     * split, and while it moves it is itself the sign of life. A heartbeat the socket did not take whole is finished
     * first instead of starting another.
     */
    synchronized void heartbeat() throws IOException {
        if (framing) {
            return;
        }
        if (!heartbeat.hasRemaining()) {
            heartbeat.rewind();
        }
        channel.write(heartbeat);
    }
}
