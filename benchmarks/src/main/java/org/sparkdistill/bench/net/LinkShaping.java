package org.sparkdistill.bench.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code tc} commands that shape the egress of one veth end: a token bucket ({@code tbf}) for the rate and, when
 * the link has a delay, {@code netem} above it for half the delay, since every packet between two ranks leaves
 * through two shaped ends (its sender's and the bridge port towards its receiver).
 */
final class LinkShaping {
    /** The largest segment TCP hands a veth with segmentation offload. */
    private static final long GSO_SEGMENT_BYTES = 64 << 10;
    private static final long BUCKET_NANOS = 1_000_000;
    private static final long QUEUE_NANOS = 5_000_000;

    private LinkShaping() {}

    /** Commands that shape {@code device} in {@code namespace} as {@code link} asks, in the order to run them. */
    static List<List<String>> commands(Path tc, String namespace, String device, LinkSpec link) {
        List<String> qdiscAdd = List.of(tc.toString(), "-n", namespace, "qdisc", "add", "dev", device);
        List<List<String>> commands = new ArrayList<>();
        if (link.delayNanos() > 0) {
            commands.add(concat(qdiscAdd, "root", "handle", "1:", "netem", "delay", micros(link.delayNanos() / 2.0),
                    "limit", String.valueOf(netemLimitPackets(link))));
            commands.add(concat(qdiscAdd, "parent", "1:1", "handle", "10:", "tbf", "rate",
                    link.rateBitsPerSecond() + "bit", "burst", String.valueOf(burstBytes(link)), "limit",
                    String.valueOf(queueBytes(link))));
        } else {
            commands.add(concat(qdiscAdd, "root", "handle", "1:", "tbf", "rate", link.rateBitsPerSecond() + "bit",
                    "burst", String.valueOf(burstBytes(link)), "limit", String.valueOf(queueBytes(link))));
        }
        return commands;
    }

    /** The shaping of one veth end in the terms of {@code tc}. */
    static String describe(LinkSpec link) {
        String tbf = "tbf rate " + link.rateBitsPerSecond() + "bit burst " + burstBytes(link) + " limit "
                + queueBytes(link);
        return link.delayNanos() > 0 ? "netem delay " + micros(link.delayNanos() / 2.0) + " over " + tbf : tbf;
    }

    /**
     * The token bucket's size: a millisecond at the link's rate, and at least two offloaded segments. A bucket smaller
     * than a segment makes tbf cut every segment into packets, and a small bucket refills so often that the timer that
     * releases packets cannot keep up: at 1 Gbit/s, 15 KiB gave 52 MB/s and 64 KiB 60 to 90 MB/s, 128 KiB 117 MB/s.
     */
    static long burstBytes(LinkSpec link) {
        return Math.max(2 * GSO_SEGMENT_BYTES, bytesIn(link, BUCKET_NANOS));
    }

    /**
     * The bytes tbf queues before it drops: the bucket plus 5 ms at the link's rate. TCP's small-queue limit lets one
     * socket fill the sending qdisc with up to 4 MB (tcp_limit_output_bytes), 33 ms at 1 Gbit/s; the cap keeps the delay
     * a small message waits behind a large one near a real NIC's, for a few drops (at 1 Gbit/s, about 1 packet in 6000).
     */
    static long queueBytes(LinkSpec link) {
        return burstBytes(link) + bytesIn(link, QUEUE_NANOS);
    }

    /** Packets netem holds: twice what its delay holds at the link's rate in full-size frames, and at least 1000. */
    private static long netemLimitPackets(LinkSpec link) {
        return Math.max(1000, 2 * bytesIn(link, link.delayNanos() / 2) / 1500);
    }

    private static long bytesIn(LinkSpec link, long nanos) {
        return (long) (link.rateBitsPerSecond() / 8.0 * nanos / 1e9);
    }

    private static String micros(double nanos) {
        return String.format(Locale.ROOT, "%.3fus", nanos / 1000);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> command = new ArrayList<>(head);
        command.addAll(List.of(tail));
        return command;
    }
}
