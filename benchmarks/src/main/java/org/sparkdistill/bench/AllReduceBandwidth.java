package org.sparkdistill.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.gradients.collective.TcpOptions;

/**
 * Bus bandwidth of the ring all-reduce between separate processes over loopback TCP, against a raw socket copy
 * between the same processes: {@code busBandwidth = 2(N−1)/N · bytes / time} (the NCCL-tests definition), and
 * {@code raw = bytes / time} of one plain socket transfer from rank 0 to rank 1 of the same size.
 *
 * <p>Each size is measured in several rounds that alternate the all-reduce and the raw copy; the table gives medians.
 * {@code main [ranks] [segment KiB]} starts N rank processes of itself and prints the table they measure; each
 * rank finds the others through address files in a shared directory.
 */
public final class AllReduceBandwidth {
    private static final long[] SIZES = {1L << 10, 16L << 10, 256L << 10, 1L << 20, 4L << 20, 16L << 20, 64L << 20};
    private static final int ROUNDS = 7;
    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofMinutes(2), Duration.ofMinutes(2), 64 << 20);

    private AllReduceBandwidth() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--rank")) {
            runRank(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]), args[4],
                    Integer.parseInt(args[5]) << 10);
            return;
        }
        int ranks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int segmentKiB = args.length > 1 ? Integer.parseInt(args[1]) : Communicator.DEFAULT_SEGMENT_BYTES >> 10;
        Path rendezvous = Files.createTempDirectory("allreduce-bandwidth");
        String secret = HexFormat.of().formatHex(TcpEndpoint.newSecret());
        List<Process> processes = new ArrayList<>();
        for (int rank = 0; rank < ranks; rank++) {
            ProcessBuilder builder = new ProcessBuilder(javaCommand(rank, ranks, rendezvous, secret, segmentKiB));
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            if (rank == 0) {
                builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            processes.add(builder.start());
        }
        int failed = 0;
        for (Process process : processes) {
            failed += process.waitFor() == 0 ? 0 : 1;
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " rank process(es) failed");
        }
    }

    private static List<String> javaCommand(int rank, int ranks, Path rendezvous, String secret, int segmentKiB) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AllReduceBandwidth.class.getName());
        command.addAll(List.of("--rank", String.valueOf(rank), String.valueOf(ranks), rendezvous.toString(), secret,
                String.valueOf(segmentKiB)));
        return command;
    }

    private static void runRank(int rank, int ranks, Path rendezvous, String secretHex, int segmentBytes)
            throws Exception {
        TcpEndpoint endpoint = TcpEndpoint.listen(InetAddress.getLoopbackAddress(), OPTIONS);
        ServerSocketChannel rawServer = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        announce(rendezvous, rank, endpoint.address().getPort() + " " + ((InetSocketAddress) rawServer.getLocalAddress()).getPort());
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<InetSocketAddress> raw = new ArrayList<>();
        for (int peer = 0; peer < ranks; peer++) {
            String[] ports = await(rendezvous, peer).split(" ");
            addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(ports[0])));
            raw.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(ports[1])));
        }
        PrintStream out = System.out;
        try (Communicator group = Communicator.of(endpoint.connect(rank, addresses, HexFormat.of().parseHex(secretHex)),
                segmentBytes);
             SocketChannel rawLink = rawLink(rank, rawServer, raw)) {
            if (rank == 0) {
                out.printf("ranks: %d processes over loopback TCP; segment %d KiB%n%n", ranks, segmentBytes >> 10);
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

    private static void announce(Path rendezvous, int rank, String ports) throws IOException {
        Path temp = rendezvous.resolve("rank-" + rank + ".tmp");
        Files.writeString(temp, ports, StandardCharsets.US_ASCII);
        Files.move(temp, rendezvous.resolve("rank-" + rank), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String await(Path rendezvous, int rank) throws IOException, InterruptedException {
        Path file = rendezvous.resolve("rank-" + rank);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("rank " + rank + " did not announce itself in " + rendezvous);
            }
            Thread.sleep(20);
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
    }
}
