package org.sparkdistill.bench.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.gradients.collective.TcpOptions;
import org.sparkdistill.gradients.collective.Transport;

/**
 * What a rank process started by {@link RankLauncher} is told about its group, through environment variables: its
 * rank, how many ranks there are, the address to bind to, the shared rendezvous directory, and the group's secret
 * (in the environment, not the command line, because any user can read a process's command line).
 *
 * @param rank this process's rank, in [0, ranks)
 * @param ranks how many rank processes there are
 * @param bindAddress the address this rank listens on and the others reach it at
 * @param rendezvous the directory where the ranks {@link #announce} themselves
 * @param secretHex the group's secret, in hexadecimal
 * @param launcherPid the process that launched the ranks
 */
public record RankContext(int rank, int ranks, InetAddress bindAddress, Path rendezvous, String secretHex,
                          long launcherPid) {
    private static final String RANK = "SPARK_DISTILL_RANK";
    private static final String RANKS = "SPARK_DISTILL_RANKS";
    private static final String BIND = "SPARK_DISTILL_BIND";
    private static final String RENDEZVOUS = "SPARK_DISTILL_RENDEZVOUS";
    private static final String SECRET = "SPARK_DISTILL_SECRET";
    private static final String LAUNCHER = "SPARK_DISTILL_LAUNCHER";
    private static final int ORPHANED_EXIT_STATUS = 3;

    public RankContext {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank = " + rank + ", ranks = " + ranks + ": need 0 <= rank < ranks");
        }
    }

    /**
     * The context of this JVM, read from the variables {@link RankLauncher} sets; from then on, the JVM halts if the
     * launcher dies, so that a killed launcher leaves no ranks behind.
     *
     * @throws IllegalStateException if this JVM was not started by {@link RankLauncher}
     */
    public static RankContext fromEnvironment() throws IOException {
        Map<String, String> environment = System.getenv();
        List<String> missing = List.of(RANK, RANKS, BIND, RENDEZVOUS, SECRET, LAUNCHER).stream()
                .filter(name -> !environment.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this main runs as a rank started by RankLauncher; the environment lacks "
                    + missing);
        }
        RankContext context = new RankContext(Integer.parseInt(environment.get(RANK)),
                Integer.parseInt(environment.get(RANKS)), InetAddress.getByName(environment.get(BIND)),
                Path.of(environment.get(RENDEZVOUS)), environment.get(SECRET),
                Long.parseLong(environment.get(LAUNCHER)));
        context.haltWithLauncher();
        return context;
    }

    /** The group's secret. */
    public byte[] secret() {
        return HexFormat.of().parseHex(secretHex);
    }

    /** Tells the other ranks {@code value}, typically this rank's listening ports. */
    public void announce(String value) throws IOException {
        Rendezvous.announce(rendezvous, rank, value);
    }

    /** What every rank announced, indexed by rank; waits until all have, for at most two minutes. */
    public List<String> awaitAll() throws IOException, InterruptedException {
        return Rendezvous.awaitAll(rendezvous, ranks);
    }

    /**
     * Announces this rank's listening {@code ports} on its bind address and returns every rank's, indexed by rank,
     * then by the position of the port in {@code ports}.
     */
    public List<List<InetSocketAddress>> exchangePorts(int... ports) throws IOException, InterruptedException {
        StringBuilder mine = new StringBuilder(bindAddress.getHostAddress());
        for (int port : ports) {
            mine.append(' ').append(port);
        }
        announce(mine.toString());
        List<List<InetSocketAddress>> all = new ArrayList<>();
        for (String announced : awaitAll()) {
            String[] fields = announced.split(" ");
            InetAddress host = InetAddress.getByName(fields[0]);
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 1; i < fields.length; i++) {
                addresses.add(new InetSocketAddress(host, Integer.parseInt(fields[i])));
            }
            all.add(addresses);
        }
        return all;
    }

    /**
     * Joins the other ranks over TCP: listens on the bind address, exchanges the listening ports, and connects to
     * every rank with the group's secret.
     *
     * @param segmentBytes the all-reduce's segment size (see {@link Communicator#of(Transport, int)})
     */
    public Communicator connect(TcpOptions options, int segmentBytes) throws IOException, InterruptedException {
        TcpEndpoint endpoint = TcpEndpoint.listen(bindAddress, options);
        List<InetSocketAddress> addresses = exchangePorts(endpoint.address().getPort()).stream()
                .map(ports -> ports.get(0)).toList();
        return Communicator.of(endpoint.connect(rank, addresses, secret()), segmentBytes);
    }

    /** The environment variables that carry this context. */
    Map<String, String> environment() {
        return Map.of(RANK, String.valueOf(rank), RANKS, String.valueOf(ranks), BIND, bindAddress.getHostAddress(),
                RENDEZVOUS, rendezvous.toString(), SECRET, secretHex, LAUNCHER, String.valueOf(launcherPid));
    }

    private void haltWithLauncher() {
        ProcessHandle.of(launcherPid).ifPresentOrElse(
                launcher -> launcher.onExit().thenRun(() -> halt("its launcher " + launcherPid + " has ended")),
                () -> halt("its launcher " + launcherPid + " is not running"));
    }

    private void halt(String reason) {
        System.err.println("rank " + rank + " stops: " + reason);
        Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
    }
}
