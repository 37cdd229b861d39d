package org.sparkdistill.bench.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.sparkdistill.core.InvalidInputException;

/**
 * Where the ranks of one benchmark run live: each in a network namespace of its own, linked to the others through
 * veth pairs and a bridge, every veth end shaped by {@code tc} as a {@link LinkSpec} asks; or, without root, without
 * {@code ip} and {@code tc}, or when {@link LinkSpec#LOOPBACK} is asked for, all on 127.0.0.1.
 *
 * <p>The bridge sits in a hub namespace rather than the root one, so the run adds nothing to the host's own
 * interfaces and one {@code ip netns delete} of the hub removes the bridge and every veth pair. Namespaces are named
 * {@code sd-<pid>-<n>-hub} and {@code sd-<pid>-<n>-<rank>}; opening a network first deletes those whose process is
 * gone, and {@link #close()}, or a shutdown hook if the JVM ends first, deletes this one's. Thread-safe.
 */
public final class ShapedNetwork implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int MAX_RANKS = 254;

    private final int ranks;
    private final String description;
    private final Path ip;
    private final VethStar star;
    private final NamespaceNames names;
    private final Thread teardownHook;

    private ShapedNetwork(int ranks, String description, Path ip, VethStar star, NamespaceNames names,
            Thread teardownHook) {
        this.ranks = ranks;
        this.description = description;
        this.ip = ip;
        this.star = star;
        this.names = names;
        this.teardownHook = teardownHook;
    }

    /**
     * Sets up {@code ranks} ranks linked as {@code link} asks, or on loopback when it cannot (see the class comment).
     *
     * @throws IOException naming the {@code ip} or {@code tc} command that failed and what it wrote to standard error;
     *     whatever was made before it has been deleted
     */
    public static ShapedNetwork open(int ranks, LinkSpec link) throws IOException {
        if (ranks < 1 || ranks > MAX_RANKS) {
            throw new InvalidInputException("ranks = " + ranks + ": must be in [1, " + MAX_RANKS + "]");
        }
        String loopback = "loopback (127.0.0.1 for every rank)";
        if (link.isLoopback()) {
            return loopback(ranks, loopback);
        }
        Optional<String> unshapeable = whyNotShaped();
        if (unshapeable.isPresent()) {
            return loopback(ranks, loopback + " instead of " + link + ": " + unshapeable.get());
        }
        Path ip = tool("ip").orElseThrow();
        Path tc = tool("tc").orElseThrow();
        List<String> leftovers = Leftovers.remove(ip);
        if (!leftovers.isEmpty()) {
            System.err.println("deleted namespaces left by runs that ended without their teardown: " + leftovers);
        }
        NamespaceNames names = new NamespaceNames(ProcessHandle.current().pid(), SEQUENCE.getAndIncrement());
        VethStar star = new VethStar(ip, tc, names);
        Thread hook = new Thread(() -> deleteReporting(star), "shaped-network-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            star.build(ranks, link);
        } catch (IOException | RuntimeException e) {
            removeHook(hook);
            try {
                star.delete();
            } catch (IOException teardown) {
                e.addSuppressed(teardown);
            }
            throw e;
        }
        return new ShapedNetwork(ranks, shapedDescription(ranks, link, names), ip, star, names, hook);
    }

    /** How many ranks the network links. */
    public int ranks() {
        return ranks;
    }

    /** Whether the ranks are linked by shaped veth links rather than loopback. */
    public boolean isShaped() {
        return star != null;
    }

    /** The address {@code rank} binds to and the others reach it at. */
    public InetAddress address(int rank) {
        checkRank(rank);
        return isShaped() ? VethStar.address(rank) : InetAddress.getLoopbackAddress();
    }

    /** What to put before a command so that it runs in {@code rank}'s namespace; empty on loopback. */
    public List<String> commandPrefix(int rank) {
        checkRank(rank);
        return isShaped() ? List.of(ip.toString(), "netns", "exec", names.rank(rank)) : List.of();
    }

    /** One line that says how the ranks are linked, and why loopback when a shaped link was asked for. */
    public String description() {
        return description;
    }

    /** Deletes the namespaces with their bridge and veth pairs; a network on loopback has nothing to delete. */
    @Override
    public void close() {
        if (star == null) {
            return;
        }
        removeHook(teardownHook);
        try {
            star.delete();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ShapedNetwork loopback(int ranks, String description) {
        return new ShapedNetwork(ranks, description, null, null, null, null);
    }

    private static String shapedDescription(int ranks, LinkSpec link, NamespaceNames names) {
        return link + ": namespaces " + names.rank(0) + " to " + names.rank(ranks - 1) + " at "
                + VethStar.address(0).getHostAddress() + " to " + VethStar.address(ranks - 1).getHostAddress()
                + "/24, each linked by a veth pair to a bridge in " + names.hub() + "; every veth end shaped by "
                + LinkShaping.describe(link);
    }

    /** Why shaped links cannot be made here, if they cannot. */
    private static Optional<String> whyNotShaped() {
        Object uid;
        try {
            uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot tell whether this process is root (" + e + ")");
        }
        if (!Integer.valueOf(0).equals(uid)) {
            return Optional.of("network namespaces need root, and this process runs as uid " + uid);
        }
        List<String> missing = Stream.of("ip", "tc").filter(name -> tool(name).isEmpty()).toList();
        if (!missing.isEmpty()) {
            return Optional.of(String.join(" and ", missing) + " not found on PATH, in /usr/sbin or in /sbin");
        }
        return Optional.empty();
    }

    private static Optional<Path> tool(String name) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(List.of("/usr/sbin", "/sbin"));
        return directories.stream().filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, name)).filter(Files::isExecutable).findFirst();
    }

    private static void deleteReporting(VethStar star) {
        try {
            star.delete();
        } catch (IOException e) {
            System.err.println(e.getMessage());
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it deletes the same namespaces, and deleting twice is harmless.
        }
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank = " + rank + ": must be in [0, " + ranks + ")");
        }
    }
}
