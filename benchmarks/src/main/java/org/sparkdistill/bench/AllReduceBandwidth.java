package org.sparkdistill.bench;

import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.bench.net.LinkSpec;
import org.sparkdistill.bench.net.RankExits;
import org.sparkdistill.bench.net.RankLauncher;
import org.sparkdistill.bench.net.ShapedNetwork;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.gradients.collective.Communicator;

/**
 * Bus bandwidth of the ring all-reduce between separate processes over TCP, against a raw socket copy between the
 * same processes: {@code busBandwidth = 2(N−1)/N · bytes / time} (the NCCL-tests definition), and
 * {@code raw = bytes / time} of one plain socket transfer from rank 0 to rank 1 of the same size.
 *
 * <p>{@code main [ranks] [segment KiB] [--link loopback|shaped:<rate>[:<delay>]]} links {@code ranks} processes of
 * {@link AllReduceBandwidthRank} as the link asks (loopback by default, see {@link ShapedNetwork}) and prints the table
 * they measure. Each size is measured in several rounds that alternate the all-reduce and the raw copy; the table gives
 * medians.
 */
public final class AllReduceBandwidth {
    private static final String USAGE = "usage: AllReduceBandwidth [ranks, 2 to 254, default 2] [segment KiB, 1 to "
            + "1048576, default " + (Communicator.DEFAULT_SEGMENT_BYTES >> 10) + "] [--link loopback|shaped:<rate>"
            + "[:<delay>], default loopback, e.g. --link shaped:1gbit:0.1ms]";

    private AllReduceBandwidth() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (InvalidInputException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try (ShapedNetwork network = ShapedNetwork.open(settings.ranks(), settings.link())) {
            System.out.println("link: " + network.description());
            RankExits exits = RankLauncher.of(AllReduceBandwidthRank.class, "-Xmx1g")
                    .run(network, List.of(String.valueOf(settings.segmentKiB())));
            if (!exits.succeeded()) {
                throw new IllegalStateException("the rank processes failed: " + exits.describe());
            }
        }
    }

    /** The run's settings: positional {@code [ranks] [segment KiB]} and {@code --link <link>} anywhere. */
    private record Settings(int ranks, int segmentKiB, LinkSpec link) {
        static Settings parse(String[] args) {
            List<String> positional = new ArrayList<>();
            LinkSpec link = LinkSpec.LOOPBACK;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--link")) {
                    if (i + 1 == args.length) {
                        throw new InvalidInputException("--link needs a value, loopback or shaped:<rate>[:<delay>]");
                    }
                    link = LinkSpec.parse(args[++i]);
                } else if (args[i].startsWith("--link=")) {
                    link = LinkSpec.parse(args[i].substring("--link=".length()));
                } else {
                    positional.add(args[i]);
                }
            }
            if (positional.size() > 2) {
                throw new InvalidInputException("too many arguments: " + positional);
            }
            int ranks = positional.isEmpty() ? 2 : number("ranks", positional.get(0), 2, 254);
            int segmentKiB = positional.size() < 2 ? Communicator.DEFAULT_SEGMENT_BYTES >> 10
                    : number("segment KiB", positional.get(1), 1, 1 << 20);
            return new Settings(ranks, segmentKiB, link);
        }
    }

    private static int number(String name, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the valid range.
        }
        throw new InvalidInputException(name + " = " + text + ": must be a whole number in [" + min + ", " + max + "]");
    }
}
