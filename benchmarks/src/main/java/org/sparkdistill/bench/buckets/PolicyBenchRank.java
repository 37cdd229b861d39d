package org.sparkdistill.bench.buckets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.bench.net.RankContext;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.Replica;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.optim.Vectorization;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpOptions;
import org.sparkdistill.gradients.overlap.OverlapSettings;
import org.sparkdistill.gradients.partition.PartitionPolicies;

/**
 * One rank of the bucket-policy benchmark: trains the same large MLP student with each policy in turn through
 * {@link DistillationTrainer}, one warm-up epoch and one measured epoch per run, and rank 0 writes the comparison.
 *
 * <p>Every run starts from the same initial network (seed 42) and trains on this rank's synthetic examples (seeded by
 * rank), so the runs differ only in how the gradients are cut into buckets.
 */
public final class PolicyBenchRank {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final long SEED = 42L;
    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofMinutes(2), Duration.ofSeconds(10),
            Duration.ofMinutes(5), 256 << 20);

    private PolicyBenchRank() {}

    public static void main(String[] args) throws Exception {
        RankContext context = RankContext.fromEnvironment();
        PolicyBenchSettings settings = PolicyBenchSettings.parse(args);
        try (Communicator group = context.connect(OPTIONS, settings.segmentKiB() << 10)) {
            if (group.rank() == 0) {
                System.out.println("fused update on " + Vectorization.best().describe());
            }
            List<PolicyRun> runs = runAll(settings, group);
            if (group.rank() == 0) {
                report(settings, runs, group.size());
            }
        }
    }

    private static List<PolicyRun> runAll(PolicyBenchSettings settings, Communicator group) {
        Examples shard = syntheticExamples("rank " + group.rank(), settings.batchSize() * settings.steps(),
                SEED + 1 + group.rank());
        Examples heldOut = syntheticExamples("held-out", 8, SEED);
        List<PolicyRun> runs = new ArrayList<>();
        List<String> contenders = settings.contenders();
        for (int round = 0; round < settings.rounds(); round++) {
            for (int i = 0; i < contenders.size(); i++) {
                String contender = contenders.get((i + round) % contenders.size());
                PolicyRun run = runOnce(settings, group, shard, heldOut, contender, round);
                if (run != null) {
                    runs.add(run);
                    System.out.printf(Locale.ROOT,
                            "round %d, %-10s step %.1f ms, group tail %.1f ms, overlap %.0f%%, plan %s%n",
                            round + 1, contender, 1e3 * run.wallStepSeconds(), 1e3 * run.metrics().groupTailSeconds(),
                            100 * run.metrics().overlapRatio(), run.metrics().plan());
                }
            }
        }
        return runs;
    }

    /**
     * Trains a fresh student as {@code contender} (a policy, with {@link PolicyBenchSettings#DL4J_PATH} appended for
     * DL4J's layers and updater) for a warm-up and a measured epoch; rank 0's measurements.
     */
    private static PolicyRun runOnce(PolicyBenchSettings settings, Communicator group, Examples shard, Examples heldOut,
            String contender, int round) {
        boolean dl4jPath = contender.endsWith(PolicyBenchSettings.DL4J_PATH);
        String policy = dl4jPath ? contender.substring(0, contender.length()
                - PolicyBenchSettings.DL4J_PATH.length()) : contender;
        MultiLayerNetwork student = Networks.mlp(FEATURES, settings.hidden(), CLASSES,
                UpdaterKind.ADAM.withLearningRate(1e-3), SEED);
        try {
            OverlapSettings exchange = OverlapSettings.of(PartitionPolicies.parse(policy), settings.replanEvery());
            List<ProcessorTime> processor = new ArrayList<>();
            List<Long> marks = new ArrayList<>();
            List<EpochMetrics> history = new DistillationTrainer(
                    TrainingPlan.supervised(2, settings.batchSize(), SEED), SoftTargetSource.HARD_LABELS,
                    Evaluator.labelsOnly(heldOut))
                    .computePath(dl4jPath ? ComputePath.DL4J : ComputePath.FAST_WHERE_EXACT)
                    .addListener(epoch -> {
                        marks.add(System.nanoTime());
                        processor.add(ProcessorTime.available() ? ProcessorTime.now() : null);
                    })
                    .train(student, shard, TrainingState.START, null, new Replica(group, shard.size(), exchange));
            if (history.isEmpty()) {
                return null;
            }
            EpochMetrics measured = history.get(1);
            double wall = (measured.seconds() - history.get(0).seconds()) / settings.steps();
            double busy = processor.get(0) == null ? Double.NaN : processor.get(1).busySecondsSince(processor.get(0),
                    (marks.get(1) - marks.get(0)) / 1e9, Runtime.getRuntime().availableProcessors()) / settings.steps();
            return new PolicyRun(contender, round, measured.communication(), wall, busy);
        } finally {
            NetworkMemory.release(student);
        }
    }

    private static Examples syntheticExamples(String name, int rows, long seed) {
        Random random = new Random(seed);
        float[] features = new float[rows * FEATURES];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return new Examples(name, features, labels, new int[] {FEATURES}, CLASSES);
    }

    private static void report(PolicyBenchSettings settings, List<PolicyRun> runs, int ranks) throws Exception {
        long parameters = (long) FEATURES * settings.width() + settings.width()
                + (long) (settings.depth() - 1) * (settings.width() * (long) settings.width() + settings.width())
                + (long) settings.width() * CLASSES + CLASSES;
        String header = String.format(Locale.ROOT, "# Bucket policies%n%n%d ranks over %s; student MLP %d-%s-%d "
                        + "(%,d parameters, %d layers, %.1f MB of gradient), Adam, batch %d per rank; %d rounds of "
                        + "%d warm-up and %d measured steps per policy, order rotated each round; re-planning every "
                        + "%d steps; %d KiB all-reduce segments. Medians over rounds; times per step on rank 0.", ranks,
                settings.link(),
                FEATURES, settings.depth() + "x" + settings.width(), CLASSES, parameters, settings.depth() + 1,
                parameters * 4 / 1e6, settings.batchSize(), settings.rounds(), settings.steps(), settings.steps(),
                settings.replanEvery(), settings.segmentKiB());
        PolicyTable table = new PolicyTable(runs, Runtime.getRuntime().availableProcessors());
        String markdown = table.markdown(header);
        System.out.println();
        System.out.println(markdown);
        AtomicDirectory.publish(Path.of(settings.output()), dir -> {
            Files.writeString(dir.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("runs.csv"), table.csv(), StandardCharsets.UTF_8);
        });
        System.out.println("wrote " + settings.output());
    }
}
