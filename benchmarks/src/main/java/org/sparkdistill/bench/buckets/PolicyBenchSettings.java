package org.sparkdistill.bench.buckets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sparkdistill.bench.OptionPairs;
import org.sparkdistill.gradients.partition.PartitionPolicies;

/**
 * The settings of one bucket-policy benchmark run, parsed from {@code --name value} arguments, which the driver
 * passes on to every rank unchanged.
 *
 * @param ranks rank processes
 * @param link {@code loopback} or {@code shaped:<rate>:<delay>}
 * @param batchSize examples per rank and step
 * @param width the width of each hidden layer
 * @param depth the number of hidden layers
 * @param policies the policies compared, in the order of the first round
 * @param computePaths how each policy's runs compute a step: {@code fast} (the dense layers that keep their
 *     pre-activation and the fused update, where exact), {@code dl4j} (DL4J's layers and updater), or both, each a
 *     contender of its own
 * @param rounds how many times every policy runs; the order rotates by one policy per round
 * @param steps measured steps per run, after as many warm-up steps
 * @param replanEvery steps between re-plans of measured policies
 * @param segmentKiB the all-reduce's segment size
 * @param output where rank 0 writes the summary
 */
record PolicyBenchSettings(int ranks, String link, int batchSize, int width, int depth, List<String> policies,
                           List<String> computePaths, int rounds, int steps, int replanEvery, int segmentKiB,
                           String output) {
    /** Appended to a policy's name for the contender that computes with DL4J's layers and updater. */
    static final String DL4J_PATH = "+dl4j";

    static final String USAGE = """
            options (all optional):
              --ranks N            rank processes (2)
              --link L             loopback | shaped:<rate>[:<delay>] (shaped:1gbit)
              --batch-size B       examples per rank and step (144)
              --width W            hidden layer width (1024)
              --depth D            hidden layers (10)
              --policies P,...     policies to compare (fused,per-layer,fixed:25,mgwfbp,adaptive)
              --compute C,...      compute paths to compare: fast, dl4j (fast)
              --rounds R           runs of every policy, order rotated each round (5)
              --steps S            measured steps per run, after S warm-up steps (16)
              --replan-every M     steps between re-plans (8)
              --segment-kib K      all-reduce segment size in KiB (256)
              --output DIR         summary directory (runs/bucket-policies)""";

    PolicyBenchSettings {
        List<String> problems = new ArrayList<>();
        require(problems, ranks >= 1 && ranks <= 16, "--ranks " + ranks + ": must be in [1, 16]");
        require(problems, batchSize >= 1, "--batch-size " + batchSize + ": must be >= 1");
        require(problems, width >= 1 && depth >= 1, "--width and --depth must be >= 1");
        require(problems, rounds >= 1, "--rounds " + rounds + ": must be >= 1");
        require(problems, steps >= 2, "--steps " + steps + ": must be >= 2");
        require(problems, replanEvery >= 1, "--replan-every " + replanEvery + ": must be >= 1");
        require(problems, segmentKiB >= 1 && segmentKiB <= 65_536, "--segment-kib " + segmentKiB
                + ": must be in [1, 65536]");
        require(problems, !policies.isEmpty(), "--policies: name at least one");
        for (String policy : policies) {
            try {
                PartitionPolicies.parse(policy);
            } catch (IllegalArgumentException e) {
                problems.add("--policies: " + e.getMessage());
            }
        }
        require(problems, !computePaths.isEmpty()
                && computePaths.stream().allMatch(path -> path.equals("fast") || path.equals("dl4j")),
                "--compute " + computePaths + ": must name fast, dl4j or both");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        policies = List.copyOf(policies);
        computePaths = List.copyOf(computePaths);
    }

    static PolicyBenchSettings parse(String[] args) {
        int ranks = 2;
        String link = "shaped:1gbit";
        int batchSize = 144;
        int width = 1024;
        int depth = 10;
        List<String> policies = List.of("fused", "per-layer", "fixed:25", "mgwfbp", "adaptive");
        List<String> computePaths = List.of("fast");
        int rounds = 5;
        int steps = 16;
        int replanEvery = 8;
        int segmentKiB = 256;
        String output = "runs/bucket-policies";
        for (Map.Entry<String, String> option : OptionPairs.of(args)) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "--ranks" -> ranks = Integer.parseInt(value);
                    case "--link" -> link = value;
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--width" -> width = Integer.parseInt(value);
                    case "--depth" -> depth = Integer.parseInt(value);
                    case "--policies" -> policies = Arrays.asList(value.split(","));
                    case "--compute" -> computePaths = Arrays.asList(value.split(","));
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--steps" -> steps = Integer.parseInt(value);
                    case "--replan-every" -> replanEvery = Integer.parseInt(value);
                    case "--segment-kib" -> segmentKiB = Integer.parseInt(value);
                    case "--output" -> output = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + ": not an integer");
            }
        }
        return new PolicyBenchSettings(ranks, link, batchSize, width, depth, policies, computePaths, rounds, steps,
                replanEvery, segmentKiB, output);
    }

    /** The arguments that parse back into these settings. */
    List<String> toArgs() {
        return List.of("--ranks", String.valueOf(ranks), "--link", link, "--batch-size", String.valueOf(batchSize),
                "--width", String.valueOf(width), "--depth", String.valueOf(depth), "--policies",
                String.join(",", policies), "--compute", String.join(",", computePaths), "--rounds", String.valueOf(rounds),
                "--steps", String.valueOf(steps),
                "--replan-every", String.valueOf(replanEvery), "--segment-kib", String.valueOf(segmentKiB),
                "--output", output);
    }

    /**
     * Every policy on every compute path, in the order of the first round; a policy's runs on DL4J's path are named
     * with {@link #DL4J_PATH} appended.
     */
    List<String> contenders() {
        List<String> contenders = new ArrayList<>();
        for (String policy : policies) {
            for (String path : computePaths) {
                contenders.add(path.equals("dl4j") ? policy + DL4J_PATH : policy);
            }
        }
        return contenders;
    }

    /** The hidden layer widths of the student. */
    List<Integer> hidden() {
        return java.util.Collections.nCopies(depth, width);
    }

    private static void require(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
