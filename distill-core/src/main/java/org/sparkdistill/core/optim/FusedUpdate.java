package org.sparkdistill.core.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's optimizer update and step function for a whole network in one pass over its flat arrays.
 *
 * <p>For every parameter, one {@link #apply} does what {@code BaseMultiLayerUpdater.update} followed by
 * {@code NegativeDefaultStepFunction.step} does in three passes: divide the gradient by the minibatch size, update the
 * Adam, SGD or Nesterovs state, and subtract the update from the parameter, with libnd4j's formulas in single
 * precision. At every call it reads the network's updater configuration (so a learning rate changed meanwhile, or any
 * schedule, applies as in DL4J), {@code network.params()}, {@code network.getGradientsViewArray()} and the updater's
 * state view, and writes the new parameters and state into them, so {@code ModelSerializer} saves the state and a
 * restored network continues the same trajectory. Unlike DL4J it leaves the gradient view as it found it
 * (DL4J leaves the update there).
 *
 * <p>It exists only where it is exact (see {@link #refusal}); elsewhere keep DL4J's updater. The work is split into
 * contiguous ranges over {@code threads} threads: the caller's and a pool of {@code threads − 1} daemon threads,
 * stopped by {@link #close}. Not thread-safe: one step at a time.
 */
public final class FusedUpdate implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Model network;
    private final Tile[] tiles;
    private final ExecutorService workers;

    private FusedUpdate(Model network, int threads) {
        this.network = network;
        this.tiles = new Tile[threads];
        for (int i = 0; i < threads; i++) {
            tiles[i] = new Tile();
        }
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, daemonThreads());
    }

    /** Why the fused update would not be exact for {@code network}, or empty when it would be. */
    public static Optional<String> refusal(Model network) {
        return Optional.ofNullable(FusionCheck.of(network).refusal());
    }

    /** The fused update of {@code network} on as many threads as ND4J's native operations use, if it is exact. */
    public static Optional<FusedUpdate> of(Model network) {
        return of(network, Math.max(1, Nd4j.getEnvironment().maxMasterThreads()));
    }

    /**
     * The fused update of {@code network} on {@code threads} threads, or empty when it would not be exact
     * ({@link #refusal} says why).
     */
    public static Optional<FusedUpdate> of(Model network, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": the fused update needs >= 1");
        }
        return FusionCheck.of(network).fusable() ? Optional.of(new FusedUpdate(network, threads)) : Optional.empty();
    }

    /** The network this update changes. */
    public Model network() {
        return network;
    }

    /** How many threads share a step. */
    public int threads() {
        return tiles.length;
    }

    /**
     * Applies one step to the gradient now in the network's gradient view.
     *
     * <p>Counts nothing: the caller passes DL4J's counts before the step (as DL4J's optimizer does) and increments the
     * iteration count afterwards; {@link FusedStep} does both.
     *
     * @param iteration DL4J's iteration count before this step, which learning-rate schedules and Adam's bias
     *        correction read
     * @param epoch DL4J's epoch count, which epoch schedules read
     * @param batchSize what DL4J would divide the gradient by: the network's minibatch size, {@code network.batchSize()}
     *        after the forward pass (a gradient averaged over ranks stays a sum over one rank's batch)
     * @throws IllegalStateException when the network no longer qualifies (its configuration was changed, for example
     *         one layer's learning rate), saying why, or its arrays are not contiguous floats
     */
    public void apply(int iteration, int epoch, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + ": a step needs >= 1 example");
        }
        FusionCheck.Verdict verdict = FusionCheck.of(network);
        if (!verdict.fusable()) {
            throw new IllegalStateException("the network changed after its fused update was made: "
                    + verdict.refusal());
        }
        UpdateRule rule = verdict.rule();
        TiledPass pass = pass(rule, rule.kernel(iteration, epoch, verdict.divideByMinibatch() ? batchSize : 1f));
        int length = pass.params().capacity();
        int part = ((length / tiles.length) / Tile.LENGTH + 1) * Tile.LENGTH;
        if (workers == null) {
            pass.run(0, length, tiles[0]);
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < tiles.length && i * part < length; i++) {
            int from = i * part;
            Tile tile = tiles[i];
            others.add(workers.submit(() -> pass.run(from, Math.min(length, from + part), tile)));
        }
        pass.run(0, Math.min(length, part), tiles[0]);
        awaitAll(others);
    }

    /** Stops the worker threads; the update cannot be applied afterwards. */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    private TiledPass pass(UpdateRule rule, TileKernel kernel) {
        FloatBuffer params = FlatFloats.of(network.params(), "the network's parameters");
        int length = params.capacity();
        FloatBuffer gradient = FlatFloats.of(network.getGradientsViewArray(), "the network's gradient view");
        if (gradient.capacity() != length) {
            throw new IllegalStateException("the gradient view has " + gradient.capacity() + " elements but the "
                    + "parameters " + length);
        }
        int slices = rule.stateSlices();
        if (slices == 0) {
            return new TiledPass(kernel, gradient, params, null, null);
        }
        INDArray stateView = stateView();
        if (stateView == null || stateView.length() != (long) slices * length) {
            throw new IllegalStateException("the updater state view has " + (stateView == null ? 0 : stateView.length())
                    + " elements; " + slices + " slice(s) of " + length + " parameters need " + (long) slices * length);
        }
        FloatBuffer state = FlatFloats.of(stateView, "the updater state view");
        FloatBuffer first = state.slice(0, length);
        return new TiledPass(kernel, gradient, params, first, slices == 2 ? state.slice(length, length) : null);
    }

    private INDArray stateView() {
        if (network instanceof MultiLayerNetwork multiLayer) {
            return multiLayer.getUpdater().getStateViewArray();
        }
        return ((ComputationGraph) network).getUpdater().getStateViewArray();
    }

    private static void awaitAll(List<Future<?>> parts) {
        try {
            for (Future<?> part : parts) {
                part.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fused update's worker threads", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("a fused update worker failed: " + e.getCause(), e.getCause());
        }
    }

    private static ThreadFactory daemonThreads() {
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, "fused-update-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
