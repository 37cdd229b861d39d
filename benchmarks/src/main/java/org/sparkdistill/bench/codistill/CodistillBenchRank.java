package org.sparkdistill.bench.codistill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.bench.net.RankContext;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.objective.Codistillation;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.Replica;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.core.train.WorkerGroups;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpOptions;

/**
 * One rank of the codistillation benchmark: trains the small CNN student on its own shard of Fashion-MNIST, by plain
 * data parallelism and by codistillation in turn, for every round; the group leaders' epochs are all-gathered after
 * each run, and rank 0 writes the comparison.
 *
 * <p>Rank r holds training rows r, r + N, r + 2N, … for both contenders, so in codistillation group g trains on the
 * union of its ranks' shards, its own part of the data. The plain student and group 0's start from the seed, group g's
 * from seed + g, as {@code ReplicaTask} starts them in a {@code distill} job.
 */
public final class CodistillBenchRank {
    /** The environment variable in which the launcher tells the ranks how they are linked. */
    static final String NETWORK_VARIABLE = "SPARK_DISTILL_BENCH_NETWORK";

    private static final TcpOptions OPTIONS = new TcpOptions(Duration.ofMinutes(2), Duration.ofSeconds(10),
            Duration.ofMinutes(5), 256 << 20);

    private CodistillBenchRank() {}

    public static void main(String[] args) throws Exception {
        RankContext context = RankContext.fromEnvironment();
        CodistillBenchSettings settings = CodistillBenchSettings.parse(args);
        try (Communicator world = context.connect(OPTIONS, Communicator.DEFAULT_SEGMENT_BYTES)) {
            Examples shard = shard(settings, world.rank());
            Examples test = FashionMnist.test(settings.data());
            Evaluator heldOut = Evaluator.labelsOnly(test);
            List<ContenderRun> runs = new ArrayList<>();
            for (int round = 0; round < settings.rounds(); round++) {
                for (Parallelism contender : settings.order(round)) {
                    // Every contender starts on all ranks at once, after the previous one's gather.
                    world.barrier();
                    List<EpochMetrics> history = contender == Parallelism.PLAIN ? plain(settings, world, shard, heldOut)
                            : codistill(settings, world, shard, heldOut);
                    ContenderRun run = gather(settings, world, contender, round, history);
                    if (world.rank() == 0) {
                        runs.add(run);
                        System.out.println(describe(run, settings.target()));
                    }
                }
            }
            if (world.rank() == 0) {
                report(settings, runs, test.size());
            }
        }
    }

    /** Rows r, r + N, r + 2N, … of the first {@code limit} training rows, for rank r of N. */
    private static Examples shard(CodistillBenchSettings settings, int rank) {
        Examples train = FashionMnist.train(settings.data()).head(settings.limit());
        int[] rows = IntStream.range(0, train.size()).filter(i -> i % settings.ranks() == rank).toArray();
        Examples own = train.select(rows);
        return new Examples("fashion-mnist train, rank " + rank + " of " + settings.ranks(), own.features(),
                own.labels(), own.shape(), own.numClasses());
    }

    /** All ranks on one ring train one student from the seed. */
    private static List<EpochMetrics> plain(CodistillBenchSettings settings, Communicator world, Examples shard,
            Evaluator heldOut) {
        MultiLayerNetwork student = student(shard, settings.seed());
        try {
            return new DistillationTrainer(plan(settings), SoftTargetSource.HARD_LABELS, heldOut)
                    .train(student, shard, TrainingProgress.START, null, new Replica(world, settings.largestShard()));
        } finally {
            NetworkMemory.release(student);
        }
    }

    /** Each group trains its own student from seed + group on its own ring, codistilling with the other groups. */
    private static List<EpochMetrics> codistill(CodistillBenchSettings settings, Communicator world, Examples shard,
            Evaluator heldOut) {
        WorkerGroups groups = WorkerGroups.of(world, settings.groups());
        MultiLayerNetwork student = student(shard, settings.seed() + groups.groupIndex());
        try {
            return new DistillationTrainer(plan(settings), SoftTargetSource.HARD_LABELS, heldOut,
                    List.of(KnowledgeDistillation.alone(), new Codistillation(CodistillBenchSettings.CODISTILL_WEIGHT,
                            CodistillBenchSettings.CODISTILL_TEMPERATURE)))
                    .codistill(groups, settings.exchangeEvery())
                    .train(student, shard, TrainingProgress.START, null,
                            new Replica(groups.group(), settings.largestShard()));
        } finally {
            NetworkMemory.release(student);
        }
    }

    /** Labels alone (α = 0) at temperature 1, for every epoch of the run, with no checkpoints. */
    private static TrainingPlan plan(CodistillBenchSettings settings) {
        return TrainingPlan.supervised(settings.maxEpochs(), settings.batchSize(), settings.seed());
    }

    private static MultiLayerNetwork student(Examples shard, long seed) {
        return Networks.convolutional(shard.shape(), CodistillBenchSettings.CHANNELS, CodistillBenchSettings.HIDDEN,
                shard.numClasses(), UpdaterKind.ADAM.withLearningRate(CodistillBenchSettings.LEARNING_RATE), seed);
    }

    /**
     * Every group leader's epochs, on every rank: each rank contributes its history packed (all NaN where it leads no
     * group), and the leaders are ranks 0, N/G, 2N/G, … for codistillation, rank 0 alone for plain parallelism.
     */
    private static ContenderRun gather(CodistillBenchSettings settings, Communicator world, Parallelism contender,
            int round, List<EpochMetrics> history) {
        double[] mine = GroupEpoch.pack(history.stream().map(GroupEpoch::of).toList(), settings.maxEpochs());
        INDArray all = Nd4j.create(DataType.DOUBLE, (long) world.size() * mine.length);
        world.allGather(Nd4j.createFromArray(mine), all);
        double[] every = all.toDoubleVector();
        boolean plain = contender == Parallelism.PLAIN;
        List<List<GroupEpoch>> groups = IntStream.range(0, plain ? 1 : settings.groups())
                .mapToObj(g -> GroupEpoch.unpack(every, g * settings.groupSize() * mine.length, settings.maxEpochs()))
                .toList();
        return new ContenderRun(contender, round, groups);
    }

    private static String describe(ContenderRun run, double target) {
        String reached = run.reached(target).map(r -> String.format(Locale.ROOT, "%.2f%% after %.1f s (epoch %d, %s)",
                100 * r.epoch().accuracy(), r.seconds(), r.epoch().epoch(),
                run.groups().size() == 1 ? "the student" : "group " + r.group())).orElse("target not reached");
        return String.format(Locale.ROOT, "round %d, %-9s %s; final accuracy %s; %d steps, %.1f ms a step; "
                        + "load average %s", run.round() + 1, run.contender().label(), reached,
                run.finalAccuracies().stream().map(a -> String.format(Locale.ROOT, "%.2f%%", 100 * a))
                        .collect(Collectors.joining(" / ")), run.steps(), 1e3 * run.meanStepSeconds(), loadAverage());
    }

    /**
     * The machine's load averages over 1, 5 and 15 minutes, for the progress lines, where others' work on a shared
     * machine shows; "unknown" without {@code /proc/loadavg}.
     */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
            return String.join(" ", fields[0], fields[1], fields[2]);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void report(CodistillBenchSettings settings, List<ContenderRun> runs, int testRows) {
        CodistillTable table = new CodistillTable(runs, settings.target());
        String markdown = table.markdown(header(settings, testRows));
        System.out.println();
        System.out.println(markdown);
        AtomicDirectory.publish(settings.output(), dir -> {
            Files.writeString(dir.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.csv"), table.summaryCsv(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("epochs.csv"), table.epochsCsv(), StandardCharsets.UTF_8);
        });
        System.out.println("wrote " + settings.output());
    }

    private static String header(CodistillBenchSettings settings, int testRows) {
        int n = settings.ranks();
        int size = settings.groupSize();
        String network = System.getenv().getOrDefault(NETWORK_VARIABLE, settings.link());
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
        return String.format(Locale.ROOT, """
                # Codistillation against plain data parallelism: time to %s held-out accuracy

                %d rank processes over %s; OMP_NUM_THREADS=%s per rank. Fashion-MNIST from %s: the first %,d training \
                rows, row i to rank i mod %d (%,d rows and %d steps an epoch per rank); held-out accuracy on the %,d \
                test images after every epoch; %d epochs per run. Student: CNN, 3×3 convolutions of %s channels with \
                2×2 max-pools, dense %s, Adam at a constant %s, batch %d per rank, labels alone (α = 0).

                - **plain**: all %d ranks on one ring train one student from seed %d; %d examples per update.
                - **codistill**: %d groups of %d consecutive ranks, each on its own ring with its own student (group g \
                from seed %d + g) trained on its ranks' shards, %d examples per update; every %d steps the groups \
                exchange parameters, and each learns from the others' copies (codistill weight %s at temperature %s; \
                no term before the first exchange).

                %d rounds, the order alternating (plain first in round 1). *Time to target*: the trainer's wall clock \
                from the start of training to the end of the steps of the first epoch after which a student scored at \
                or above the target (the earlier epochs' evaluations included); for codistillation the first group to \
                get there. *Of it, step loops*: the same without the evaluations. *Step*: the leader's step loop over \
                its steps (the gradient all-reduce, and in codistillation the other groups' predictions and the \
                exchanges included). *KB/step*: payload a group leader sent per step to the ranks of its group \
                (including, for codistillation, the broadcast of every group's parameters after an exchange) and to \
                other groups.""",
                CodistillTable.targetLabel(settings.target()), n, network, threads, settings.data(), settings.limit(), n,
                settings.largestShard(), settings.stepsPerEpoch(), testRows, settings.maxEpochs(),
                CodistillBenchSettings.CHANNELS, CodistillBenchSettings.HIDDEN, CodistillBenchSettings.LEARNING_RATE,
                settings.batchSize(), n, settings.seed(), n * settings.batchSize(), settings.groups(), size,
                settings.seed(), size * settings.batchSize(), settings.exchangeEvery(),
                CodistillBenchSettings.CODISTILL_WEIGHT, CodistillBenchSettings.CODISTILL_TEMPERATURE,
                settings.rounds());
    }
}
