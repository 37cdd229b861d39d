package org.sparkdistill.bench.codistill;

import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.net.LinkSpec;
import org.sparkdistill.bench.net.RankExits;
import org.sparkdistill.bench.net.RankLauncher;
import org.sparkdistill.bench.net.ShapedNetwork;
import org.sparkdistill.core.optim.Vectorization;

/**
 * Time to a target test accuracy for codistillation against plain data parallelism, side by side in one run: starts
 * the ranks as separate processes ({@link CodistillBenchRank}), each in its own network namespace behind a shaped link
 * when run as root (loopback otherwise), and prints rank 0's table.
 *
 * <p>See: Anil R. et al. "Large scale distributed neural network training through online distillation", ICLR 2018.
 * Bad settings are all listed at once, then a data directory without Fashion-MNIST and an existing output directory;
 * either way the run exits with status 2 before any rank starts.
 */
public final class CodistillBench {
    /** Exit status of a run refused for bad settings. */
    static final int INVALID_SETTINGS = 2;

    private CodistillBench() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(CodistillBenchSettings.USAGE);
            return;
        }
        CodistillBenchSettings settings;
        try {
            settings = CodistillBenchSettings.parse(args);
            List<String> problems = settings.pathProblems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(CodistillBenchSettings.USAGE);
            System.exit(INVALID_SETTINGS);
            return;
        }
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "1");
        try (ShapedNetwork network = ShapedNetwork.open(settings.ranks(), LinkSpec.parse(settings.link()))) {
            System.out.println("network: " + network.description() + "; OMP_NUM_THREADS=" + threads + " per rank");
            RankLauncher launcher = new RankLauncher(CodistillBenchRank.class.getName(),
                    List.of("-Xmx1g", "--add-modules=" + Vectorization.MODULE),
                    Map.of("OMP_NUM_THREADS", threads, CodistillBenchRank.NETWORK_VARIABLE, network.description()));
            RankExits exits = launcher.run(network, settings.toArgs());
            if (!exits.succeeded()) {
                throw new IllegalStateException("the benchmark's ranks failed: " + exits.describe());
            }
        }
    }
}
