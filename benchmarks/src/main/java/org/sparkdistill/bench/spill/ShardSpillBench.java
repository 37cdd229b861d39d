package org.sparkdistill.bench.spill;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.bench.BenchMain;
import org.sparkdistill.bench.pipeline.StallRow;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.data.ShardBuilder;
import org.sparkdistill.core.data.SpilledShard;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.teacher.SoftTargetSource;
import org.sparkdistill.core.train.DistillationTrainer;
import org.sparkdistill.core.train.Networks;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.UpdaterKind;

/**
 * Trains one worker's student on a large shard held in memory and on the same shard spilled to local disk, side by
 * side in one JVM, and compares their steps per second and the live heap each needs.
 *
 * <p>The shard is the Fashion-MNIST training images repeated {@code --copies} times (600,000 rows by default), fed
 * row by row to a {@link ShardBuilder} as a replica's task feeds it; the student (784-128-10, Adam) then trains through
 * {@link DistillationTrainer} with its input pipeline, whose decode stage reads the spilled shard block by block.
 */
public final class ShardSpillBench {
    private static final List<Integer> HIDDEN = List.of(128);
    private static final long SEED = 42L;
    private static final String IN_MEMORY = "in memory";
    private static final String SPILLED = "spilled";
    private static final String SAMPLED = "spilled, heap sampled";
    private static final Duration HEAP_SAMPLE_PERIOD = Duration.ofSeconds(2);
    /**
     * What the spilled run may hold besides its budget, shuffle buffer and epoch order, as much as a run in memory: the
     * batches in flight in the pipeline (each stage holds a few of 64 rows, 200 KiB each on the heap) and ND4J's record
     * of every off-heap array not yet collected (a deallocator, a reference and a map entry: {@code jmap -histo:live}
     * counted 62,543 of them, about 14 MiB, during a spilled epoch of 600,000 rows).
     */
    private static final long ALLOWANCE = 32L << 20;

    private ShardSpillBench() {}

    public static void main(String[] args) {
        BenchMain.main(args, ShardSpillBenchSettings::parse, ShardSpillBenchSettings.USAGE, ShardSpillBench::run);
    }

    private static void run(ShardSpillBenchSettings settings) throws Exception {
        Examples train = FashionMnist.train(settings.data());
        Evaluator evaluator = Evaluator.labelsOnly(FashionMnist.test(settings.data()).head(1000));
        List<Result> results = new ArrayList<>();
        INDArray reference = null;
        try (LiveHeap heap = new LiveHeap()) {
            for (int round = 0; round < settings.rounds(); round++) {
                // Alternating the order spreads drift in the machine's load over both runs.
                boolean spilledFirst = round % 2 == 1;
                for (boolean spilled : spilledFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    reference = run(spilled ? SPILLED : IN_MEMORY, train, evaluator, settings, heap, reference,
                            results);
                }
            }
            // Sampling stops the world, so the live heap is measured in a run of its own, not timed.
            try (AutoCloseable sampling = heap.sampling(HEAP_SAMPLE_PERIOD)) {
                run(SAMPLED, train, evaluator, settings, heap, reference, results);
            }
        }
        String summary = summary(settings, train, results);
        System.out.println();
        System.out.println(summary);
        Path output = settings.output().toAbsolutePath();
        AtomicDirectory.publish(output, dir -> Files.writeString(dir.resolve("summary.md"), summary,
                StandardCharsets.UTF_8));
        System.out.println("wrote " + output);
    }

    /**
     * Trains a new student through {@link #measure}, checks it ends where the first run's did, and adds the result.
     *
     * @return the parameters every run must end with
     */
    private static INDArray run(String name, Examples train, Evaluator evaluator, ShardSpillBenchSettings settings,
            LiveHeap heap, INDArray reference, List<Result> results) {
        long budget = name.equals(IN_MEMORY) ? Long.MAX_VALUE : settings.spilledBudget();
        MultiLayerNetwork student = Networks.mlp(train.featureCount(), HIDDEN, FashionMnist.NUM_CLASSES,
                UpdaterKind.ADAM.withLearningRate(1e-3), SEED);
        try {
            Result result = measure(name, budget, train, student, evaluator, settings, heap);
            results.add(result);
            System.out.println(result.markdown());
            INDArray parameters = student.params();
            if (reference == null) {
                return parameters.dup();
            }
            if (!reference.equals(parameters)) {
                throw new IllegalStateException("the " + name + " run ended with other parameters than the first run:"
                        + " the orders differ");
            }
            return reference;
        } finally {
            NetworkMemory.release(student);
        }
    }

    /** Builds the shard row by row with {@code budget}, trains the student on it, and measures both. */
    private static Result measure(String name, long budget, Examples train, MultiLayerNetwork student,
            Evaluator evaluator, ShardSpillBenchSettings settings, LiveHeap heap) {
        long before = heap.afterFullCollection();
        heap.takePeak();
        long started = System.nanoTime();
        try (Shard shard = build(train, settings, budget)) {
            double buildSeconds = (System.nanoTime() - started) / 1e9;
            long spillBytes = shard instanceof SpilledShard spilled ? spilled.bytes() : 0;
            TrainingPlan plan = TrainingPlan.supervised(settings.epochs(), settings.batchSize(), SEED)
                    .withPipelineDepth(settings.depth());
            List<EpochMetrics> epochs = new DistillationTrainer(plan, SoftTargetSource.HARD_LABELS, evaluator)
                    .train(student, shard, TrainingProgress.START, null);
            PipelineMetrics pipeline = epochs.get(0).pipeline();
            for (EpochMetrics epoch : epochs.subList(1, epochs.size())) {
                pipeline = pipeline.plus(epoch.pipeline());
            }
            heap.afterFullCollection();
            return new Result(name, budget, shard.size(), buildSeconds, spillBytes, new StallRow(name, pipeline),
                    before, heap.takePeak());
        }
    }

    private static Shard build(Examples train, ShardSpillBenchSettings settings, long budget) {
        try (ShardBuilder builder = new ShardBuilder("fashion-mnist x" + settings.copies(), train.shape(),
                train.numClasses(), settings.order(), budget, settings.spillDirectory())) {
            for (int copy = 0; copy < settings.copies(); copy++) {
                for (int i = 0; i < train.size(); i++) {
                    builder.add(train.row(i), train.labels()[i]);
                }
            }
            return builder.build();
        }
    }

    private static String summary(ShardSpillBenchSettings settings, Examples train, List<Result> results) {
        StringBuilder text = new StringBuilder();
        int rows = train.size() * settings.copies();
        text.append(String.format(Locale.ROOT, "Shard: %,d rows (Fashion-MNIST training images x %d), %d features; "
                + "student %d-%s-%d, Adam 1e-3, batch %d, %d epoch(s), pipeline depth %d; shuffle blocks of %d rows, "
                + "buffer of %d rows; spill directory %s; JVM max heap %s.%n%n", rows, settings.copies(),
                train.featureCount(), train.featureCount(), HIDDEN, FashionMnist.NUM_CLASSES, settings.batchSize(),
                settings.epochs(), settings.depth(), settings.order().blockRows(), settings.order().bufferRows(),
                settings.spillDirectory(), mib(Runtime.getRuntime().maxMemory())));
        text.append(Result.markdownHeader()).append('\n');
        results.forEach(r -> text.append(r.markdown()).append('\n'));
        double memory = results.stream().filter(r -> r.name().equals(IN_MEMORY)).mapToDouble(Result::stepsPerSecond)
                .average().orElse(Double.NaN);
        double spilled = results.stream().filter(r -> r.name().equals(SPILLED)).mapToDouble(Result::stepsPerSecond)
                .average().orElse(Double.NaN);
        text.append(String.format(Locale.ROOT, "%nSpilled / in-memory steps per second (means over rounds): %.3f "
                + "(target >= 0.80).%n", spilled / memory));
        long shuffleBuffer = (long) Math.min(settings.order().bufferRows(), rows) * (train.featureCount() + 1)
                * Float.BYTES;
        long margin = shuffleBuffer + (long) rows * Integer.BYTES + ALLOWANCE;
        for (Result r : results) {
            if (r.name().equals(SAMPLED)) {
                long above = r.peakHeap() - r.heapBefore();
                text.append(String.format(Locale.ROOT, "Spilled run, live heap sampled every %d s: peak %s above the %s before it; "
                        + "budget %s + margin %s (shuffle buffer %s, the epoch order %s, allowance for batches in flight and ND4J's array records %s) = %s: %s.%n",
                        HEAP_SAMPLE_PERIOD.toSeconds(), mib(above), mib(r.heapBefore()), mib(r.budget()), mib(margin), mib(shuffleBuffer),
                        mib((long) rows * Integer.BYTES), mib(ALLOWANCE), mib(r.budget() + margin),
                        above <= r.budget() + margin ? "within" : "EXCEEDED"));
            }
        }
        return text.toString();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** One run's measurements; {@code loop} is the step loop as the input pipeline measured it. */
    record Result(String name, long budget, int rows, double buildSeconds, long spillBytes, StallRow loop,
                  long heapBefore, long peakHeap) {
        double stepsPerSecond() {
            return loop.stepsPerSecond();
        }

        static String markdownHeader() {
            return "| run | budget | spill file | build (s) | steps | step loop (s) | steps/s | decode (ms/step) "
                    + "| student (ms/step) | student waiting | live heap before | peak heap after a full GC |\n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
        }

        String markdown() {
            double perStep = 1e3 / loop.steps();
            return String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d | %.1f | %.1f | %.3f | %.3f | %.1f%% | %s "
                    + "| %s |", name, budget == Long.MAX_VALUE ? "unlimited" : mib(budget),
                    spillBytes == 0 ? "none" : mib(spillBytes), buildSeconds, loop.steps(), loop.loopSeconds(),
                    stepsPerSecond(), perStep * loop.stage("decode").busySeconds(),
                    perStep * loop.pipeline().student().busySeconds(),
                    100 * loop.pipeline().student().inputStallSeconds() / loop.loopSeconds(), mib(heapBefore),
                    mib(peakHeap));
        }
    }
}
