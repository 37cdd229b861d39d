package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The transport between processes: one authenticated TCP connection per pair of ranks, driven
 * without extra threads by a selector, so a send and a receive progress together.
 *
 * <p>A frame is an 8-byte header (tag, length) followed by the payload, written straight from the
 * caller's buffer and read straight into it: with direct buffers over ND4J's off-heap memory nothing
 * is copied in the JVM. Built by {@link TcpEndpoint#connect}. Not thread-safe.
 */
final class TcpTransport implements Transport {
    private static final int HEADER_BYTES = 2 * Integer.BYTES;

    private final int rank;
    private final SocketChannel[] channels;
    private final List<InetSocketAddress> addresses;
    private final SelectionKey[] keys;
    private final Selector selector;
    private final TcpOptions options;
    private final ByteBuffer outHeader = ByteBuffer.allocateDirect(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer inHeader = ByteBuffer.allocateDirect(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer[] outFrame = new ByteBuffer[2];
    private CollectiveException failure;
    private boolean closed;

    /**
     * A transport over connected channels, one per peer and null at this rank's own index.
     *
     * @param addresses every rank's announced address, to name peers in errors
     */
    TcpTransport(int rank, SocketChannel[] channels, List<InetSocketAddress> addresses, TcpOptions options)
            throws IOException {
        this.rank = rank;
        this.channels = channels;
        this.options = options;
        this.selector = Selector.open();
        this.keys = new SelectionKey[channels.length];
        this.addresses = List.copyOf(addresses);
        for (int peer = 0; peer < channels.length; peer++) {
            if (channels[peer] != null) {
                channels[peer].configureBlocking(false);
                keys[peer] = channels[peer].register(selector, 0);
            }
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return channels.length;
    }

    @Override
    public void exchange(int to, ByteBuffer out, int from, ByteBuffer in, int tag) {
        if (failure != null) {
            throw new CollectiveException("rank " + rank + ": the transport failed earlier: " + failure.getMessage(),
                    failure);
        }
        if (closed) {
            throw new CollectiveException("rank " + rank + ": the transport is closed");
        }
        requirePeer(to);
        requirePeer(from);
        try {
            transfer(to, out, from, in, tag);
        } catch (IOException e) {
            throw fail(new CollectiveException("rank " + rank + ": connection to " + peer(to != NONE ? to : from)
                    + " failed: " + e.getMessage(), e));
        } catch (CollectiveException e) {
            throw fail(e);
        }
    }

    private void transfer(int to, ByteBuffer out, int from, ByteBuffer in, int tag) throws IOException {
        boolean sending = to != NONE;
        boolean receiving = from != NONE;
        boolean headerRead = false;
        int expected = receiving ? in.remaining() : 0;
        if (sending) {
            FrameCheck.requireSendable(rank, to, out.remaining(), options.maxFrameBytes());
            outHeader.clear();
            outHeader.putInt(tag).putInt(out.remaining()).flip();
            outFrame[0] = outHeader;
            outFrame[1] = out;
        }
        if (receiving) {
            inHeader.clear();
        }
        long idleLimit = options.ioTimeout().toNanos();
        long lastProgress = System.nanoTime();
        while (sending || receiving) {
            boolean progress = false;
            if (sending) {
                progress |= write(to) > 0;
                sending = out.hasRemaining() || outHeader.hasRemaining();
            }
            if (receiving && !headerRead) {
                progress |= read(from, inHeader, false, HEADER_BYTES) > 0;
                if (!inHeader.hasRemaining()) {
                    headerRead = true;
                    FrameCheck.accept(rank, from, inHeader.getInt(0), inHeader.getInt(4), tag, expected,
                            options.maxFrameBytes());
                }
            }
            if (receiving && headerRead) {
                progress |= read(from, in, true, expected) > 0;
                receiving = in.hasRemaining();
            }
            if (progress) {
                lastProgress = System.nanoTime();
            } else if (sending || receiving) {
                awaitReady(sending ? to : NONE, receiving ? from : NONE, lastProgress + idleLimit);
            }
        }
    }

    private long write(int to) {
        try {
            return channels[to].write(outFrame);
        } catch (IOException e) {
            throw new CollectiveException("rank " + rank + ": " + peer(to)
                    + " closed the connection while this rank was sending to it (" + e.getMessage() + ")", e);
        }
    }

    private int read(int from, ByteBuffer buffer, boolean payload, int frameBytes) {
        int n;
        try {
            n = channels[from].read(buffer);
        } catch (IOException e) {
            throw new CollectiveException("rank " + rank + ": " + peer(from)
                    + " closed the connection while this rank was receiving from it (" + e.getMessage() + ")", e);
        }
        if (n < 0) {
            String when = payload ? "after " + (frameBytes - buffer.remaining()) + " of " + frameBytes
                    + " bytes of a frame" : inHeader.position() == 0 ? "while this rank waited for a frame"
                    : "in the middle of a frame header";
            throw new CollectiveException("rank " + rank + ": rank " + from + " closed the connection " + when);
        }
        return n;
    }

    private void awaitReady(int to, int from, long deadlineNanos) throws IOException {
        if (to != NONE) {
            keys[to].interestOps(SelectionKey.OP_WRITE);
        }
        if (from != NONE) {
            keys[from].interestOps(keys[from].interestOps() | SelectionKey.OP_READ);
        }
        long left = deadlineNanos - System.nanoTime();
        int ready = left > 0 ? selector.select(Math.max(1, left / 1_000_000)) : 0;
        selector.selectedKeys().clear();
        if (to != NONE) {
            keys[to].interestOps(0);
        }
        if (from != NONE) {
            keys[from].interestOps(0);
        }
        String waitingOn = (to != NONE ? "sending to " + peer(to) : "") + (to != NONE && from != NONE ? " or " : "")
                + (from != NONE ? "receiving from " + peer(from) : "");
        ChannelIo.requireNotInterrupted("rank " + rank + " " + waitingOn);
        if (ready == 0 && System.nanoTime() >= deadlineNanos) {
            throw new CollectiveException("rank " + rank + ": no progress " + waitingOn + " for "
                    + options.describeIoTimeout() + "; the peer is alive but stalled, or the network is down");
        }
    }

    /** A peer and its address, for messages: "rank 1 at /10.0.0.7:40123". */
    private String peer(int peer) {
        return "rank " + peer + " at " + addresses.get(peer);
    }

    private void requirePeer(int peer) {
        if (peer != NONE && (peer < 0 || peer >= channels.length || peer == rank)) {
            throw new IllegalArgumentException("rank " + rank + ": peer rank must be another rank in [0, "
                    + channels.length + "), got " + peer);
        }
    }

    private CollectiveException fail(CollectiveException e) {
        failure = e;
        close();
        return e;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SocketChannel channel : channels) {
            closeQuietly(channel);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing is left to release once the channels are closed
        }
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the peer sees the connection end either way
        }
    }
}
