package org.sparkdistill.gradients.collective;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The transport contract on real TCP connections over loopback, one thread per rank. */
class TcpTransportTest extends TransportContract {
    static final TcpOptions OPTIONS = new TcpOptions(Duration.ofMinutes(1), Duration.ofSeconds(10),
            Duration.ofMinutes(2), 1 << 16);

    @Override
    List<Transport> group(int size) {
        return connect(size, OPTIONS);
    }

    @Override
    List<Transport> group(int size, Duration timeout) {
        return connect(size, new TcpOptions(Duration.ofMinutes(1), Duration.ofSeconds(10), timeout, 64 << 20));
    }

    /** A connected group of {@code size} ranks over loopback, each with {@code options}. */
    static List<Transport> connect(int size, TcpOptions options) {
        byte[] secret = TcpEndpoint.newSecret();
        List<TcpEndpoint> endpoints = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            TcpEndpoint endpoint = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), options);
            endpoints.add(endpoint);
            addresses.add(endpoint.address());
        }
        return Ranks.all(size, rank -> endpoints.get(rank).connect(rank, addresses, secret));
    }

    @Override
    int maxFrameBytes() {
        return OPTIONS.maxFrameBytes();
    }
}
