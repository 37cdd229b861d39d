package org.sparkdistill.bench.buckets;

import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.net.LinkSpec;
import org.sparkdistill.bench.net.RankExits;
import org.sparkdistill.bench.net.RankLauncher;
import org.sparkdistill.bench.net.ShapedNetwork;
import org.sparkdistill.core.optim.Vectorization;

/**
 * Compares the gradient bucket policies ({@code fused}, {@code per-layer}, {@code fixed:<MiB>}, {@code mgwfbp},
 * {@code adaptive}) on one large student: starts the ranks as separate processes, each in its own network namespace
 * behind a shaped link when run as root (loopback otherwise), and prints rank 0's table.
 */
public final class BucketPolicies {
    private BucketPolicies() {}

    public static void main(String[] args) throws Exception {
        PolicyBenchSettings settings;
        try {
            settings = PolicyBenchSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(PolicyBenchSettings.USAGE);
            System.exit(2);
            return;
        }
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "1");
        RankLauncher launcher = new RankLauncher(PolicyBenchRank.class.getName(), List.of("-Xmx3g", "--add-modules=" + Vectorization.MODULE),
                Map.of("OMP_NUM_THREADS", threads));
        try (ShapedNetwork network = ShapedNetwork.open(settings.ranks(), LinkSpec.parse(settings.link()))) {
            System.out.println("network: " + network.description() + "; OMP_NUM_THREADS=" + threads + " per rank");
            RankExits exits = launcher.run(network, settings.toArgs());
            if (!exits.succeeded()) {
                throw new IllegalStateException("the benchmark's ranks failed: " + exits.describe());
            }
        }
    }
}
