package org.sparkdistill.bench.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces, one per rank, each linked by a veth pair to one bridge in a hub namespace of their own, with
 * every veth end shaped by {@link LinkShaping}; made with {@code ip} and {@code tc}, and deleted by deleting the
 * namespaces, which takes the bridge and the veth pairs with them.
 *
 * <p>Thread-safe: {@link #delete()} may run in a shutdown hook while {@link #build} is under way, which then stops at
 * its next command.
 */
final class VethStar {
    /** The veth end inside every rank's namespace. */
    static final String RANK_DEVICE = "eth0";
    private static final String BRIDGE = "br0";

    private final Path ip;
    private final Path tc;
    private final NamespaceNames names;
    private final List<String> made = new ArrayList<>();
    private boolean deleted;

    VethStar(Path ip, Path tc, NamespaceNames names) {
        this.ip = ip;
        this.tc = tc;
        this.names = names;
    }

    /** The address of {@code rank} on the bridge's subnet, 10.77.0.0/24; each star has its own namespaces. */
    static InetAddress address(int rank) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 77, 0, (byte) (rank + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("no address for rank " + rank, e);
        }
    }

    /** Makes the hub with its bridge, then every rank's namespace with its veth pair, address and shaping. */
    void build(int ranks, LinkSpec link) throws IOException {
        String hub = names.hub();
        addNamespace(hub);
        ip("-n", hub, "link", "add", BRIDGE, "type", "bridge");
        ip("-n", hub, "link", "set", BRIDGE, "up");
        for (int rank = 0; rank < ranks; rank++) {
            String namespace = names.rank(rank);
            String port = "r" + rank;
            addNamespace(namespace);
            ip("-n", hub, "link", "add", port, "type", "veth", "peer", "name", RANK_DEVICE, "netns", namespace);
            ip("-n", hub, "link", "set", port, "master", BRIDGE);
            ip("-n", hub, "link", "set", port, "up");
            ip("-n", namespace, "link", "set", "lo", "up");
            ip("-n", namespace, "address", "add", address(rank).getHostAddress() + "/24", "dev", RANK_DEVICE);
            ip("-n", namespace, "link", "set", RANK_DEVICE, "up");
            shape(hub, port, link);
            shape(namespace, RANK_DEVICE, link);
        }
    }

    /** Deletes every namespace made so far, and stops a build still under way; tries them all before it fails. */
    synchronized void delete() throws IOException {
        deleted = true;
        List<String> failures = new ArrayList<>();
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                Command.run(List.of(ip.toString(), "netns", "delete", made.get(i)));
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        made.clear();
        if (!failures.isEmpty()) {
            throw new IOException("teardown incomplete: " + String.join("; ", failures));
        }
    }

    private void shape(String namespace, String device, LinkSpec link) throws IOException {
        for (List<String> command : LinkShaping.commands(tc, namespace, device, link)) {
            try {
                run(command);
            } catch (IOException e) {
                if (command.contains("netem") && e.getMessage().contains("Specified qdisc kind is unknown")) {
                    throw new IOException(e.getMessage() + " This kernel has no netem (CONFIG_NET_SCH_NETEM), so "
                            + "links cannot have a delay here; a link without one, such as shaped:1gbit, needs only "
                            + "tbf.", e);
                }
                throw e;
            }
        }
    }

    private synchronized void addNamespace(String namespace) throws IOException {
        run(List.of(ip.toString(), "netns", "add", namespace));
        made.add(namespace);
    }

    private void ip(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ip.toString());
        command.addAll(List.of(arguments));
        run(command);
    }

    private synchronized void run(List<String> command) throws IOException {
        if (deleted) {
            throw new IOException("the network was torn down while it was being set up, before `"
                    + String.join(" ", command) + "`");
        }
        Command.run(command);
    }
}
