package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank's listening socket, opened before the ranks exchange addresses and turned into a
 * {@link Transport} once every rank knows every other's address.
 *
 * <p>Rank r connects to every lower rank and accepts every higher one, so the group forms without
 * deadlock in any arrival order. Every connection passes the {@link Handshake} before it is used;
 * connections that fail it are refused and counted, and the rank keeps waiting for its real peers
 * until the connect timeout.
 */
public final class TcpEndpoint implements AutoCloseable {
    private final ServerSocketChannel server;
    private final TcpOptions options;

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
            return new TcpTransport(rank, channels, options);
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
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            if (!channel.connect(address)) {
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new CollectiveException("rank " + rank + ": could not connect to rank " + peer
                                    + " at " + address + " within " + options.connectTimeout().toMillis() + " ms");
                        }
                        selector.select(Math.max(1, left / 1_000_000));
                        selector.selectedKeys().clear();
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

    private void acceptFrom(Handshake handshake, int size, int rank, SocketChannel[] channels, long deadline)
            throws IOException {
        boolean[] expected = new boolean[size];
        int missing = 0;
        for (int peer = rank + 1; peer < size; peer++) {
            expected[peer] = true;
            missing++;
        }
        List<String> refused = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (missing > 0) {
                SocketChannel channel = server.accept();
                if (channel == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new CollectiveException(missingPeers(rank, expected, refused));
                    }
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                    continue;
                }
                channel.configureBlocking(false);
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                try {
                    int peer = handshake.accept(channel, size, rank, expected, deadline);
                    channels[peer] = channel;
                    expected[peer] = false;
                    missing--;
                } catch (CollectiveException | IOException e) {
                    refused.add(e.getMessage());
                    channel.close();
                }
            }
        }
    }

    private String missingPeers(int rank, boolean[] expected, List<String> refused) {
        List<Integer> missing = new ArrayList<>();
        for (int peer = 0; peer < expected.length; peer++) {
            if (expected[peer]) {
                missing.add(peer);
            }
        }
        return "rank " + rank + ": ranks " + missing + " did not connect within "
                + options.connectTimeout().toMillis() + " ms"
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
