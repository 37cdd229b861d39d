package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The transport between processes: one authenticated TCP connection per pair of ranks, driven
 * without extra threads by a selector, so a send and a receive progress together.
 *
 * <p>A frame is an 8-byte header (tag, length) followed by the payload, written straight from the
 * caller's buffer and read straight into it: with direct buffers over ND4J's off-heap memory nothing
 * is copied in the JVM. Built by {@link TcpEndpoint#connect}.
 *
 * <p>An exchange fails once it has gone {@link TcpOptions#ioTimeout()} without progress. Progress is a byte moved on
 * its own connections, or a heartbeat from any peer: a rank inside a {@link #keepAlive} scope sends one to every peer
 * every {@link TcpOptions#heartbeatInterval()}, and a waiting rank reads them from all its connections, because in a
 * ring the peer it waits on may itself be waiting on the busy rank. A peer's heartbeats are seen once the data frames
 * it sent before them have been read. Heartbeats are consumed wherever they arrive and are never taken for data.
 *
 * <p>Not thread-safe: one thread drives the exchanges; {@link #keepAlive} may be called from any thread.
 */
final class TcpTransport implements Transport {
    private final int rank;
    private final SocketChannel[] channels;
    private final Outbox[] outboxes;
    private final Inbox[] inboxes;
    private final List<InetSocketAddress> addresses;
    private final SelectionKey[] keys;
    private final Selector selector;
    private final TcpOptions options;
    private final Set<HeartbeatSender> keepAlives = new HashSet<>();
    private volatile CollectiveException failure;
    private volatile boolean closed;

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
        this.outboxes = new Outbox[channels.length];
        this.inboxes = new Inbox[channels.length];
        this.addresses = List.copyOf(addresses);
        for (int peer = 0; peer < channels.length; peer++) {
            if (channels[peer] != null) {
                channels[peer].configureBlocking(false);
                keys[peer] = channels[peer].register(selector, 0, peer);
                outboxes[peer] = new Outbox(channels[peer]);
                inboxes[peer] = new Inbox(channels[peer], rank, peer);
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
        requireUsable();
        requirePeer(to);
        requirePeer(from);
        if (tag == Tags.HEARTBEAT) {
            throw new IllegalArgumentException("rank " + rank + ": tag " + tag + " is reserved for heartbeats");
        }
        try {
            transfer(to, out, from, in, tag);
        } catch (IOException e) {
            throw fail(new CollectiveException("rank " + rank + ": connection to " + peer(to != NONE ? to : from)
                    + " failed: " + e.getMessage(), e));
        } catch (CollectiveException e) {
            throw fail(e);
        }
    }

    @Override
    public KeepAlive keepAlive(String activity) {
        synchronized (keepAlives) {
            requireUsable();
            List<Outbox> peers = Arrays.stream(outboxes).filter(Objects::nonNull).toList();
            if (peers.isEmpty()) {
                return KeepAlive.NONE;
            }
            HeartbeatSender sender = new HeartbeatSender("spark-distill keep-alive, rank " + rank + " (" + activity
                    + ")", peers, options.heartbeatInterval(), this::forget);
            keepAlives.add(sender);
            return sender;
        }
    }

    private void forget(HeartbeatSender sender) {
        synchronized (keepAlives) {
            keepAlives.remove(sender);
        }
    }

    private void requireUsable() {
        CollectiveException failed = failure;
        if (failed != null) {
            throw new CollectiveException("rank " + rank + ": the transport failed earlier: " + failed.getMessage(),
                    failed);
        }
        if (closed) {
            throw new CollectiveException("rank " + rank + ": the transport is closed");
        }
    }

    private void transfer(int to, ByteBuffer out, int from, ByteBuffer in, int tag) throws IOException {
        boolean sending = to != NONE;
        boolean receiving = from != NONE;
        boolean headerRead = false;
        int expected = receiving ? in.remaining() : 0;
        if (sending) {
            FrameCheck.requireSendable(rank, to, out.remaining(), options.maxFrameBytes());
            outboxes[to].start(tag, out);
        }
        long idleLimit = options.ioTimeout().toNanos();
        long lastProgress = System.nanoTime();
        while (sending || receiving) {
            boolean progress = false;
            if (sending) {
                progress |= write(to) > 0;
                sending = outboxes[to].sending();
            }
            if (receiving && !headerRead) {
                progress |= readHeader(from) > 0;
                if (inboxes[from].hasHeader()) {
                    headerRead = true;
                    FrameCheck.accept(rank, from, inboxes[from].tag(), inboxes[from].length(), tag, expected,
                            options.maxFrameBytes());
                }
            }
            if (receiving && headerRead) {
                progress |= readPayload(from, in, expected) > 0;
                receiving = in.hasRemaining();
                if (!receiving) {
                    inboxes[from].frameRead();
                }
            }
            if (progress) {
                lastProgress = System.nanoTime();
            } else if (sending || receiving) {
                if (awaitReady(sending ? to : NONE, receiving ? from : NONE, lastProgress + idleLimit)) {
                    lastProgress = System.nanoTime();
                }
            }
        }
    }

    private long write(int to) {
        try {
            return outboxes[to].send();
        } catch (IOException e) {
            throw new CollectiveException("rank " + rank + ": " + peer(to)
                    + " closed the connection while this rank was sending to it (" + e.getMessage() + ")", e);
        }
    }

    private int readHeader(int from) {
        int n;
        try {
            n = inboxes[from].pull();
        } catch (IOException e) {
            throw closedWhileReceiving(from, e);
        }
        if (n < 0) {
            throw new CollectiveException("rank " + rank + ": rank " + from + " closed the connection "
                    + (inboxes[from].headerBytes() == 0 ? "while this rank waited for a frame"
                    : "in the middle of a frame header"));
        }
        return n;
    }

    private int readPayload(int from, ByteBuffer buffer, int frameBytes) {
        int n;
        try {
            n = channels[from].read(buffer);
        } catch (IOException e) {
            throw closedWhileReceiving(from, e);
        }
        if (n < 0) {
            throw new CollectiveException("rank " + rank + ": rank " + from + " closed the connection after "
                    + (frameBytes - buffer.remaining()) + " of " + frameBytes + " bytes of a frame");
        }
        return n;
    }

    private CollectiveException closedWhileReceiving(int from, IOException e) {
        return new CollectiveException("rank " + rank + ": " + peer(from)
                + " closed the connection while this rank was receiving from it (" + e.getMessage() + ")", e);
    }

    /**
     * Waits until the exchange's connections are ready or a heartbeat arrives from any other peer, and fails once the
     * deadline passes without either.
     *
     * @return true if a heartbeat arrived from a peer outside the exchange
     */
    private boolean awaitReady(int to, int from, long deadlineNanos) throws IOException {
        for (int peer = 0; peer < keys.length; peer++) {
            if (keys[peer] != null) {
                int read = peer == from || inboxes[peer].watchable() ? SelectionKey.OP_READ : 0;
                keys[peer].interestOps(read | (peer == to ? SelectionKey.OP_WRITE : 0));
            }
        }
        long left = deadlineNanos - System.nanoTime();
        int ready = left > 0 ? selector.select(Math.max(1, left / 1_000_000)) : 0;
        boolean heartbeat = false;
        for (SelectionKey key : selector.selectedKeys()) {
            int peer = (Integer) key.attachment();
            if (peer != from && key.isReadable()) {
                long before = inboxes[peer].heartbeats();
                inboxes[peer].watch();
                heartbeat |= inboxes[peer].heartbeats() > before;
            }
        }
        selector.selectedKeys().clear();
        for (SelectionKey key : keys) {
            if (key != null) {
                key.interestOps(0);
            }
        }
        String waitingOn = (to != NONE ? "sending to " + peer(to) : "") + (to != NONE && from != NONE ? " or " : "")
                + (from != NONE ? "receiving from " + peer(from) : "");
        ChannelIo.requireNotInterrupted("rank " + rank + " " + waitingOn);
        if (ready == 0 && System.nanoTime() >= deadlineNanos) {
            throw new CollectiveException("rank " + rank + ": no progress " + waitingOn + " for "
                    + options.describeIoTimeout() + "; the peer is alive but stalled, or the network is down");
        }
        return heartbeat;
    }

    /** The heartbeats this rank has consumed from all peers, for tests; read only by the thread driving it. */
    long heartbeatsReceived() {
        return Arrays.stream(inboxes).filter(Objects::nonNull).mapToLong(Inbox::heartbeats).sum();
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
        List<HeartbeatSender> open;
        synchronized (keepAlives) {
            if (closed) {
                return;
            }
            closed = true;
            open = List.copyOf(keepAlives);
        }
        open.forEach(HeartbeatSender::close);
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
