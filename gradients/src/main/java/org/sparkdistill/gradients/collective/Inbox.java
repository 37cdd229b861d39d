package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * The receiving side of one connection: the header of the next data frame, read ahead of need so that the
 * heartbeats before it are consumed whenever they arrive, also while this rank waits on another peer.
 *
 * <p>Reads never go past a header, so a data frame's payload stays in the socket until the exchange that expects it
 * reads it into its own buffer. Not thread-safe: only the thread driving the transport reads.
 */
final class Inbox {
    private final SocketChannel channel;
    private final int rank;
    private final int peer;
    private final ByteBuffer header = ByteBuffer.allocateDirect(Outbox.HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private long heartbeats;
    private boolean ended;

    Inbox(SocketChannel channel, int rank, int peer) {
        this.channel = channel;
        this.rank = rank;
        this.peer = peer;
    }

    /**
     * Reads what has arrived of the next data frame's header, consuming every complete heartbeat on the way.
     *
     * @return the bytes read, or -1 if the peer closed the connection
     * @throws CollectiveException if the peer sent a heartbeat with a payload
     */
    int pull() throws IOException {
        int total = 0;
        while (header.hasRemaining()) {
            int n = channel.read(header);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            total += n;
            if (!header.hasRemaining() && header.getInt(0) == Tags.HEARTBEAT) {
                if (header.getInt(4) != 0) {
                    throw new CollectiveException("rank " + rank + ": rank " + peer + " sent a heartbeat of "
                            + Integer.toUnsignedString(header.getInt(4)) + " bytes; heartbeats carry no payload");
                }
                heartbeats++;
                header.clear();
            }
        }
        return total;
    }

    /**
     * Consumes the heartbeats that have arrived while this rank waits on other peers; an end of stream or a failed
     * read only ends the watching, and is reported by the exchange that next receives from this peer, since a peer
     * that finished its part of a collective may close before this rank has finished its own.
     */
    void watch() {
        try {
            if (pull() < 0) {
                ended = true;
            }
        } catch (IOException e) {
            ended = true;
        }
    }

    /** True while reading ahead may still find heartbeats: no data frame's header is waiting and the stream is open. */
    boolean watchable() {
        return header.hasRemaining() && !ended;
    }

    /** The number of heartbeats consumed so far. */
    long heartbeats() {
        return heartbeats;
    }

    /** True once the next data frame's header has been read whole. */
    boolean hasHeader() {
        return !header.hasRemaining();
    }

    int tag() {
        return header.getInt(0);
    }

    int length() {
        return header.getInt(4);
    }

    /** The bytes of the next header read so far, to say where a connection ended. */
    int headerBytes() {
        return header.position();
    }

    /** Forgets the header once its frame's payload has been read, ready for the next frame. */
    void frameRead() {
        header.clear();
    }
}
