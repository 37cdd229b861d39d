package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One rank's listening socket, opened before the ranks exchange addresses and turned into a
 * {@link Transport} once every rank knows every other's address.
 *
 * <p>Rank r connects to every lower rank and accepts every higher one, so the group forms without
 * deadlock in any arrival order. Every connection passes the {@link Handshake} before it is used.
 * Handshakes run concurrently, each within {@link TcpOptions#handshakeTimeout()}, so a connection
 * that never speaks delays no peer; connections that fail or outlast it are closed and listed in
 * {@link #refused()}, and the rank keeps waiting for its real peers until the connect timeout.
 * Not thread-safe.
 */
public final class TcpEndpoint implements AutoCloseable {
    private final ServerSocketChannel server;
    private final TcpOptions options;
    private final List<Refusal> refused = new ArrayList<>();

    private TcpEndpoint(ServerSocketChannel server, TcpOptions options) {
        this.server = server;
        this.options = options;
    }

    /** Listens on an ephemeral port of {@code bindAddress}. */
    public static TcpEndpoint listen(InetAddress bindAddress, TcpOptions options) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            try {
                server.bind(new InetSocketAddress(bindAddress, 0), 64);
                server.configureBlocking(false);
                return new TcpEndpoint(server, options);
            } catch (IOException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    /** A fresh random secret for one job's group. */
    public static byte[] newSecret() {
        return Handshake.newSecret();
    }

    /** The address the other ranks connect to. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects this rank to all others and closes the listening socket.
     *
     * @param rank this rank
     * @param addresses every rank's {@link #address()}, indexed by rank
     * @param secret the group's secret, identical on every rank, at least 16 bytes
     */
    public Transport connect(int rank, List<InetSocketAddress> addresses, byte[] secret) {
        int size = addresses.size();
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank must be in [0, " + size + "), got " + rank);
        }
        Handshake handshake = new Handshake(secret);
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        SocketChannel[] channels = new SocketChannel[size];
        try {
            for (int peer = 0; peer < rank; peer++) {
                channels[peer] = connectTo(handshake, size, rank, peer, addresses.get(peer), deadline);
            }
            acceptFrom(handshake, size, rank, channels, deadline);
            return new TcpTransport(rank, channels, addresses, options);
        } catch (IOException | RuntimeException e) {
            for (SocketChannel channel : channels) {
                TcpTransport.closeQuietly(channel);
            }
            if (e instanceof IOException io) {
                throw new CollectiveException("rank " + rank + ": connecting the group failed: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        } finally {
            close();
        }
    }

    private SocketChannel connectTo(Handshake handshake, int size, int rank, int peer, InetSocketAddress address,
            long deadline) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!channel.connect(address)) {
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new CollectiveException("rank " + rank + ": could not connect to rank " + peer
                                    + " at " + address + " within " + TcpOptions.describe(options.connectTimeout()));
                        }
                        selector.select(Math.max(1, left / 1_000_000));
                        selector.selectedKeys().clear();
                        ChannelIo.requireNotInterrupted("rank " + rank + " connecting to rank " + peer + " at "
                                + address);
                    }
                }
            }
            handshake.connect(channel, size, rank, peer, deadline);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new CollectiveException("rank " + rank + ": could not connect to rank " + peer + " at " + address
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Accepts connections until every higher rank has joined, running all their handshakes at once on one selector;
     * each gets {@link TcpOptions#handshakeTimeout()} of its own. Connections that fail or outlast their handshake are
     * closed and recorded in {@link #refused}, as are those still unfinished when the group is complete.
     */
    private void acceptFrom(Handshake handshake, int size, int rank, SocketChannel[] channels, long deadline)
            throws IOException {
        boolean[] expected = new boolean[size];
        int missing = 0;
        for (int peer = rank + 1; peer < size; peer++) {
            expected[peer] = true;
            missing++;
        }
        String where = "rank " + rank + " accepting its peers";
        Map<SelectionKey, Pending> pending = new HashMap<>();
        try (Selector selector = Selector.open()) {
            SelectionKey accepting = server.register(selector, SelectionKey.OP_ACCEPT);
            while (missing > 0) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    throw new CollectiveException(missingPeers(rank, expected));
                }
                long wake = pending.values().stream().mapToLong(Pending::deadline).reduce(deadline, Math::min);
                selector.select(Math.max(1, (wake - now) / 1_000_000));
                ChannelIo.requireNotInterrupted(where);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key == accepting) {
                        acceptWaiting(handshake, size, rank, expected, selector, pending);
                        continue;
                    }
                    Pending handshaking = pending.get(key);
                    try {
                        int peer = handshaking.acceptance().advance();
                        if (peer < 0) {
                            key.interestOps(handshaking.acceptance().interestOps());
                            continue;
                        }
                        pending.remove(key);
                        key.cancel();
                        if (!expected[peer]) {
                            refuse(handshaking.channel(), "a second connection claiming rank " + peer);
                            continue;
                        }
                        channels[peer] = handshaking.channel();
                        expected[peer] = false;
                        missing--;
                    } catch (CollectiveException | IOException e) {
                        pending.remove(key);
                        refuse(handshaking.channel(), e.getMessage());
                    }
                }
                selector.selectedKeys().clear();
                long expiry = System.nanoTime();
                for (Iterator<Pending> waiting = pending.values().iterator(); waiting.hasNext(); ) {
                    Pending handshaking = waiting.next();
                    if (handshaking.deadline() <= expiry) {
                        waiting.remove();
                        refuse(handshaking.channel(), "no handshake within " + options.describeHandshakeTimeout());
                    }
                }
            }
        } finally {
            String reason = missing == 0 ? "the group was complete before its handshake finished"
                    : "rank " + rank + " stopped waiting for its peers before its handshake finished";
            for (Pending unfinished : pending.values()) {
                refuse(unfinished.channel(), reason);
            }
        }
    }

    /** Takes every connection waiting in the backlog and starts its handshake. */
    private void acceptWaiting(Handshake handshake, int size, int rank, boolean[] expected, Selector selector,
            Map<SelectionKey, Pending> pending) throws IOException {
        for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Handshake.Acceptance acceptance = handshake.accepting(channel, size, rank, expected);
                pending.put(channel.register(selector, acceptance.interestOps()), new Pending(channel, acceptance,
                        System.nanoTime() + options.handshakeTimeout().toNanos()));
            } catch (IOException e) {
                refuse(channel, e.getMessage());
            }
        }
    }

    /** Closes a connection that is not a peer of this group and records why. */
    private void refuse(SocketChannel channel, String reason) {
        SocketAddress from;
        try {
            from = channel.getRemoteAddress();
        } catch (IOException e) {
            from = null;
        }
        refused.add(new Refusal(from, reason));
        TcpTransport.closeQuietly(channel);
    }

    /** A connection whose handshake is running, and when it must have finished. */
    private record Pending(SocketChannel channel, Handshake.Acceptance acceptance, long deadline) {
    }

    /**
     * A connection this rank accepted and closed because it did not complete the handshake as a peer of the group.
     *
     * @param from the connection's remote address; null if it was gone before it could be read
     * @param reason why it was refused
     */
    public record Refusal(SocketAddress from, String reason) {
        @Override
        public String toString() {
            return "from " + from + ": " + reason;
        }
    }

    /**
     * The connections refused while this rank connected its group, in order: their number and peers are worth
     * reporting, since connections that are not peers of the job reached a rank's port.
     */
    public List<Refusal> refused() {
        return List.copyOf(refused);
    }

    private String missingPeers(int rank, boolean[] expected) {
        List<Integer> missing = new ArrayList<>();
        for (int peer = 0; peer < expected.length; peer++) {
            if (expected[peer]) {
                missing.add(peer);
            }
        }
        return "rank " + rank + ": ranks " + missing + " did not connect within "
                + TcpOptions.describe(options.connectTimeout())
                + (refused.isEmpty() ? "" : "; refused " + refused.size() + " connection(s): " + refused);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // a listening socket holds nothing a peer could wait on
        }
    }
}
