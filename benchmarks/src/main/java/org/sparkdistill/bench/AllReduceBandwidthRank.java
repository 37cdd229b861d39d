package org.sparkdistill.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.bench.net.RankContext;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.gradients.collective.TcpOptions;

/**
 * One rank of {@link AllReduceBandwidth}: measures the ring all-reduce and, between ranks 0 and 1, a raw socket copy
 * of the same sizes, and rank 0 prints the table. {@code main <segment KiB>} runs in a process that
 * {@link org.sparkdistill.bench.net.RankLauncher} started.
 */
public final class AllReduceBandwidthRank {
    private static final long[] SIZES = {1L << 10, 16L << 10, 256L << 10, 1L << 20, 4L << 20, 16L << 20, 64L << 20};
    private static final int ROUNDS = 7;
    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofMinutes(2), Duration.ofSeconds(10),
            Duration.ofMinutes(2), 64 << 20);

    private AllReduceBandwidthRank() {}

    public static void main(String[] args) throws Exception {
        RankContext context = RankContext.fromEnvironment();
        int segmentBytes = Integer.parseInt(args[0]) << 10;
        InetAddress bind = context.bindAddress();
        TcpEndpoint endpoint = TcpEndpoint.listen(bind, OPTIONS);
        ServerSocketChannel rawServer = ServerSocketChannel.open().bind(new InetSocketAddress(bind, 0));
        List<List<InetSocketAddress>> ranks = context.exchangePorts(endpoint.address().getPort(),
                ((InetSocketAddress) rawServer.getLocalAddress()).getPort());
        List<InetSocketAddress> addresses = ranks.stream().map(ports -> ports.get(0)).toList();
        List<InetSocketAddress> raw = ranks.stream().map(ports -> ports.get(1)).toList();
        try (Communicator group = Communicator.of(endpoint.connect(context.rank(), addresses, context.secret()),
                segmentBytes);
             SocketChannel rawLink = rawLink(context.rank(), rawServer, raw)) {
            measure(context.rank(), context.ranks(), group, rawLink, segmentBytes);
        }
    }

    private static void measure(int rank, int ranks, Communicator group, SocketChannel rawLink, int segmentBytes)
            throws IOException {
        PrintStream out = System.out;
        if (rank == 0) {
            out.printf("ranks: %d processes; segment %d KiB%n%n", ranks, segmentBytes >> 10);
            out.println("| message | all-reduce time | bus bandwidth | raw socket copy | bus / raw |");
            out.println("| ---: | ---: | ---: | ---: | ---: |");
        }
        for (long bytes : SIZES) {
            int iterations = (int) Math.max(5, Math.min(100, (64L << 20) / bytes));
            INDArray vector = Nd4j.rand(DataType.FLOAT, bytes / Float.BYTES);
            double[] allReduce = new double[ROUNDS + 1];
            double[] copy = new double[ROUNDS + 1];
            // Round 0 warms up the JIT and the sockets; the others alternate the two measurements, so that drift in
            // the machine's load affects both alike, and the medians are reported.
            for (int round = 0; round <= ROUNDS; round++) {
                group.barrier();
                long started = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    group.allReduceSum(vector);
                }
                allReduce[round] = (System.nanoTime() - started) / 1e9 / iterations;
                group.barrier();
                copy[round] = rawCopy(rank, rawLink, bytes, iterations);
            }
            vector.close();
            if (rank == 0) {
                double seconds = median(allReduce);
                double bus = 2.0 * (ranks - 1) / ranks * bytes / seconds;
                double rawBandwidth = bytes / median(copy);
                out.printf(Locale.ROOT, "| %s | %.3f ms | %.0f MB/s | %.0f MB/s | %.0f%% |%n", size(bytes),
                        seconds * 1e3, bus / 1e6, rawBandwidth / 1e6, 100 * bus / rawBandwidth);
            }
            group.barrier();
        }
    }

    /** The median of all but the first (warm-up) value. */
    private static double median(double[] values) {
        double[] measured = java.util.Arrays.copyOfRange(values, 1, values.length);
        java.util.Arrays.sort(measured);
        int middle = measured.length / 2;
        return measured.length % 2 == 1 ? measured[middle] : (measured[middle - 1] + measured[middle]) / 2;
    }

    /** Rank 0 and 1 share a plain socket; the other ranks do not take part in the raw copy. */
    private static SocketChannel rawLink(int rank, ServerSocketChannel server, List<InetSocketAddress> raw) throws IOException {
        SocketChannel link = null;
        if (rank == 0) {
            link = server.accept();
        } else if (rank == 1) {
            link = SocketChannel.open(raw.get(0));
        }
        server.close();
        if (link != null) {
            link.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
        return link;
    }

    /** Seconds per transfer of {@code bytes} from rank 0 to rank 1 (each ending with a one-byte acknowledgement). */
    private static double rawCopy(int rank, SocketChannel link, long bytes, int iterations) throws IOException {
        if (rank > 1) {
            return Double.NaN;
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) bytes);
        ByteBuffer ack = ByteBuffer.allocateDirect(1);
        long started = 0;
        for (int i = -1; i < iterations; i++) {
            if (i == 0) {
                started = System.nanoTime();
            }
            data.clear();
            ack.clear();
            if (rank == 0) {
                while (data.hasRemaining()) {
                    link.write(data);
                }
                while (ack.hasRemaining()) {
                    link.read(ack);
                }
            } else {
                while (data.hasRemaining()) {
                    if (link.read(data) < 0) {
                        throw new IOException("rank 0 closed the raw link");
                    }
                }
                while (ack.hasRemaining()) {
                    link.write(ack);
                }
            }
        }
        return (System.nanoTime() - started) / 1e9 / iterations;
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
    }
}
