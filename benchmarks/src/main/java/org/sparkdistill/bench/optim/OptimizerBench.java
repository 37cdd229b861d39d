package org.sparkdistill.bench.optim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkdistill.bench.BenchMain;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.core.optim.FusedUpdate;
import org.sparkdistill.core.optim.Vectorization;
import org.sparkdistill.core.train.Networks;

/**
 * DL4J's Adam update and step against the fused update on the bucket benchmark's MLP, side by side in one JVM.
 *
 * <p>Two networks built from the same seed get the same real gradient (one batch of {@code --batch-size} random
 * examples). Each round restores that gradient into the networks' gradient views, outside the clock, then times
 * DL4J's updater and step function on one, {@link FusedUpdate#apply} with this JVM's {@link Vectorization#best()} on
 * a second and with {@link Vectorization#TILES} on a third; the order of the three rotates by round so that drift in
 * the machine's load spreads over all. A separately timed application of DL4J's passes one by one (division by the
 * minibatch, the Adam op, the step) shows where DL4J's time goes. ND4J's thread count is set to each of
 * {@code --threads} in turn; the fused update uses as many threads.
 */
public final class OptimizerBench {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final long SEED = 42L;
    /** Bytes per parameter DL4J's passes must move: division r+w 8, Adam op r 12 w 12, step r 8 w 4. */
    static final int DL4J_BYTES_PER_PARAM = 44;
    /** Bytes per parameter the fused update moves: reads gradient, parameter, m, v; writes parameter, m, v. */
    static final int FUSED_BYTES_PER_PARAM = 28;

    private OptimizerBench() {}

    public static void main(String[] args) {
        BenchMain.main(args, OptimizerBenchSettings::parse, OptimizerBenchSettings.USAGE, OptimizerBench::run);
    }

    private static void run(OptimizerBenchSettings settings) throws Exception {
        List<Integer> hidden = Collections.nCopies(settings.depth(), settings.width());
        MultiLayerNetwork dl4jNetwork = Networks.mlp(FEATURES, hidden, CLASSES, new Adam(1e-3), SEED);
        MultiLayerNetwork fusedNetwork = Networks.mlp(FEATURES, hidden, CLASSES, new Adam(1e-3), SEED);
        MultiLayerNetwork tilesNetwork = Networks.mlp(FEATURES, hidden, CLASSES, new Adam(1e-3), SEED);
        long params = dl4jNetwork.numParams();
        System.out.printf(Locale.ROOT, "student %d-%dx%d-%d, %,d parameters, Adam 1e-3, batch %d%n", FEATURES,
                settings.depth(), settings.width(), CLASSES, params, settings.batchSize());
        INDArray features = Nd4j.rand(DataType.FLOAT, settings.batchSize(), FEATURES);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, settings.batchSize(), CLASSES);
        for (int i = 0; i < settings.batchSize(); i++) {
            labels.putScalar(i, i % CLASSES, 1f);
        }
        Gradient gradient = gradient(dl4jNetwork, features, labels);
        gradient(fusedNetwork, features, labels);
        gradient(tilesNetwork, features, labels);
        System.out.println("fused update: " + Vectorization.best().describe() + ", against "
                + Vectorization.TILES.describe());
        INDArray saved = dl4jNetwork.getGradientsViewArray().dup();
        Agreement agreement = Agreement.afterOneStep(dl4jNetwork, fusedNetwork, gradient, saved, settings.batchSize());
        System.out.println("one step from equal networks: " + agreement);

        Dl4jUpdate dl4j = new Dl4jUpdate(dl4jNetwork);
        List<Row> rows = new ArrayList<>();
        try (MemoryBandwidth memory = new MemoryBandwidth(Math.toIntExact(params))) {
            for (int threads : settings.threads()) {
                Nd4j.getEnvironment().setMaxThreads(threads);
                Nd4j.getEnvironment().setMaxMasterThreads(threads);
                Bandwidth bandwidth = new Bandwidth(memory.copyRate(5), memory.streamingRate(threads, 5));
                try (FusedUpdate fused = fusedUpdate(fusedNetwork, threads, Vectorization.best());
                        FusedUpdate tiles = fusedUpdate(tilesNetwork, threads, Vectorization.TILES)) {
                    rows.add(measure(settings, threads, bandwidth, dl4j, dl4jNetwork, gradient, fused, tiles, saved));
                }
            }
        }
        String summary = summary(settings, params, agreement, rows);
        System.out.println();
        System.out.print(summary);
        Path output = settings.output().toAbsolutePath();
        AtomicDirectory.publish(output, dir -> {
            Files.writeString(dir.resolve("summary.md"), summary);
            Files.writeString(dir.resolve("rounds.csv"), csv(rows));
        });
        System.out.println("wrote " + output);
    }

    private static FusedUpdate fusedUpdate(MultiLayerNetwork network, int threads, Vectorization vectorization) {
        return FusedUpdate.of(network, threads, vectorization).orElseThrow(() -> new IllegalStateException(
                "the fused update refuses the benchmark network: " + FusedUpdate.refusal(network).orElse("")));
    }

    private static Gradient gradient(MultiLayerNetwork network, INDArray features, INDArray labels) {
        network.setInput(features);
        network.setLabels(labels);
        network.computeGradientAndScore();
        return network.gradient();
    }

    private static Row measure(OptimizerBenchSettings settings, int threads, Bandwidth bandwidth, Dl4jUpdate dl4j,
            MultiLayerNetwork dl4jNetwork, Gradient gradient, FusedUpdate fused, FusedUpdate tiles, INDArray saved) {
        int batch = settings.batchSize();
        int total = settings.warmUp() + settings.rounds();
        List<long[]> rounds = new ArrayList<>();
        for (int round = 0; round < total; round++) {
            int iteration = round + 1;
            long[] nanos = new long[3];
            for (int turn = 0; turn < 3; turn++) {
                int contender = (turn + round) % 3;
                if (contender == 0) {
                    dl4jNetwork.getGradientsViewArray().assign(saved);
                    nanos[0] = dl4j.apply(gradient, iteration, batch);
                } else {
                    nanos[contender] = timeFused(contender == 1 ? fused : tiles, saved, iteration, batch);
                }
            }
            dl4jNetwork.getGradientsViewArray().assign(saved);
            long[] passes = dl4j.applyInPasses(iteration, batch);
            if (round >= settings.warmUp()) {
                rounds.add(new long[] {nanos[0], nanos[1], nanos[2], passes[0], passes[1], passes[2]});
            }
        }
        Row row = new Row(threads, bandwidth, rounds);
        System.out.println(row.markdown(dl4jNetwork.numParams()));
        return row;
    }

    private static long timeFused(FusedUpdate update, INDArray saved, int iteration, int batch) {
        ((MultiLayerNetwork) update.network()).getGradientsViewArray().assign(saved);
        long start = System.nanoTime();
        update.apply(iteration, 0, batch);
        return System.nanoTime() - start;
    }

    /** Bytes per second of libnd4j's copy and of streaming the fused traffic with no arithmetic. */
    record Bandwidth(double copy, double streaming) {}

    /**
     * One thread count's memory rates and measured rounds: nanoseconds of DL4J, fused with the best vectorization,
     * fused on tiles, and DL4J's division, Adam op and step.
     */
    record Row(int threads, Bandwidth bandwidth, List<long[]> rounds) {
        double medianMillis(int column) {
            return median(rounds.stream().mapToDouble(r -> r[column] / 1e6).toArray());
        }

        double spreadMillis(int column, boolean high) {
            double[] values = rounds.stream().mapToDouble(r -> r[column] / 1e6).sorted().toArray();
            return high ? values[values.length - 1] : values[0];
        }

        /** The median over rounds of DL4J's time over {@code column}'s. */
        double medianRatio(int column) {
            return median(rounds.stream().mapToDouble(r -> (double) r[0] / r[column]).toArray());
        }

        double ratioSpread(int column, boolean high) {
            double[] ratios = rounds.stream().mapToDouble(r -> (double) r[0] / r[column]).sorted().toArray();
            return high ? ratios[ratios.length - 1] : ratios[0];
        }

        static String markdownHeader() {
            return "| threads | DL4J update + step (ms) | fused, " + Vectorization.best().describe() + " (ms) "
                    + "| DL4J ÷ fused | its range over rounds | fused, tiles (ms) | DL4J ÷ tiles "
                    + "| DL4J division (ms) | DL4J Adam op (ms) | DL4J step (ms) | DL4J GB/s (44 B/param) "
                    + "| fused GB/s (28 B/param) | libnd4j copy GB/s | streaming, no arithmetic: GB/s (ms) |\n"
                    + "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                    + "| ---: |";
        }

        String markdown(long params) {
            double dl4j = medianMillis(0);
            double fused = medianMillis(1);
            return String.format(Locale.ROOT, "| %d | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | **%.2f** | %.2f–%.2f "
                    + "| %.1f (%.1f–%.1f) | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f (%.1f) |", threads, dl4j,
                    spreadMillis(0, false), spreadMillis(0, true), fused, spreadMillis(1, false), spreadMillis(1, true),
                    medianRatio(1), ratioSpread(1, false), ratioSpread(1, true), medianMillis(2),
                    spreadMillis(2, false), spreadMillis(2, true), medianRatio(2), medianMillis(3), medianMillis(4),
                    medianMillis(5),
                    DL4J_BYTES_PER_PARAM * params / (dl4j * 1e6), FUSED_BYTES_PER_PARAM * params / (fused * 1e6),
                    bandwidth.copy() / 1e9, bandwidth.streaming() / 1e9,
                    FUSED_BYTES_PER_PARAM * params / bandwidth.streaming() * 1e3);
        }
    }

    /** The median of {@code values}: the middle one, or the mean of the middle two. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String summary(OptimizerBenchSettings settings, long params, Agreement agreement,
            List<Row> rows) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Student %d-%dx%d-%d (%,d parameters), Adam 1e-3, gradient of one "
                + "batch of %d; %d warm-up and %d measured rounds per thread count, medians (range).%n%n", FEATURES,
                settings.depth(), settings.width(), CLASSES, params, settings.batchSize(), settings.warmUp(),
                settings.rounds()));
        text.append(Row.markdownHeader()).append('\n');
        rows.forEach(row -> text.append(row.markdown(params)).append('\n'));
        text.append(String.format(Locale.ROOT, "%nOne step from equal networks, fused against DL4J: %s.%n", agreement));
        return text.toString();
    }

    private static String csv(List<Row> rows) {
        StringBuilder text = new StringBuilder("threads,round,dl4j_ns,fused_ns,fused_tiles_ns,dl4j_division_ns,dl4j_adam_op_ns,"
                + "dl4j_step_ns\n");
        for (Row row : rows) {
            for (int i = 0; i < row.rounds().size(); i++) {
                long[] r = row.rounds().get(i);
                text.append(row.threads()).append(',').append(i + 1);
                for (long value : r) {
                    text.append(',').append(value);
                }
                text.append('\n');
            }
        }
        return text.toString();
    }
}
