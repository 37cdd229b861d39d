package org.sparkdistill.core.optim;

import java.nio.ByteBuffer;
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
 * <p>It exists only where it is exact (see {@link #refusal}); elsewhere keep DL4J's updater. The work is cut into
 * chunks that {@code threads} threads take in turn: the caller's and a pool of {@code threads − 1} daemon threads,
 * stopped by {@link #close}. The loop runs as SIMD instructions either way; {@link Vectorization} says how. Not
 * thread-safe: one step at a time.
 */
public final class FusedUpdate implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** The longest chunk threads take at a time: 64 Ki elements, 256 KiB of each array. */
    static final int CHUNK_LENGTH = 1 << 16;

    private final Model network;
    private final Vectorization vectorization;
    private final Tile[] tiles;
    private final ExecutorService workers;

    private FusedUpdate(Model network, int threads, Vectorization vectorization) {
        this.network = network;
        this.vectorization = vectorization;
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
     * The fused update of {@code network} on {@code threads} threads with this JVM's {@link Vectorization#best()}, or
     * empty when it would not be exact ({@link #refusal} says why).
     */
    public static Optional<FusedUpdate> of(Model network, int threads) {
        return of(network, threads, Vectorization.best());
    }

    /**
     * The fused update of {@code network} on {@code threads} threads vectorized as asked, or empty when it would not be
     * exact ({@link #refusal} says why).
     *
     * @throws IllegalStateException when this JVM cannot run {@code vectorization}, naming the option that would let it
     */
    public static Optional<FusedUpdate> of(Model network, int threads, Vectorization vectorization) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": the fused update needs >= 1");
        }
        vectorization.requireAvailable();
        return FusionCheck.of(network).fusable() ? Optional.of(new FusedUpdate(network, threads, vectorization))
                : Optional.empty();
    }

    /** The network this update changes. */
    public Model network() {
        return network;
    }

    /** How its loop becomes SIMD instructions. */
    public Vectorization vectorization() {
        return vectorization;
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
        UpdatePass pass = pass(rule, rule.kernel(iteration, epoch, verdict.divideByMinibatch() ? batchSize : 1f));
        int length = pass.length();
        if (workers == null) {
            pass.run(0, length, tiles[0]);
            return;
        }
        Chunks chunks = new Chunks(length, chunkLength(length, tiles.length));
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < tiles.length && i < chunks.count; i++) {
            Tile tile = tiles[i];
            others.add(workers.submit(() -> chunks.runAll(pass, tile)));
        }
        chunks.runAll(pass, tiles[0]);
        awaitAll(others);
    }

    /**
     * Elements per chunk: a whole number of tiles, about a quarter of a thread's share, at most
     * {@value #CHUNK_LENGTH}.
     */
    static int chunkLength(int length, int threads) {
        int perThread = (int) Math.min(CHUNK_LENGTH, (long) length / (4L * threads));
        return Math.max(1, (perThread + Tile.LENGTH - 1) / Tile.LENGTH) * Tile.LENGTH;
    }

    /**
     * The flat arrays cut into chunks that threads take one at a time until none is left, so that a thread started
     * late or sharing its core does less of the work rather than holding the step up.
     */
    private static final class Chunks {
        private final int length;
        private final int chunk;
        private final int count;
        private final AtomicInteger next = new AtomicInteger();

        Chunks(int length, int chunk) {
            this.length = length;
            this.chunk = chunk;
            this.count = (length + chunk - 1) / chunk;
        }

        void runAll(UpdatePass pass, Tile tile) {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                int from = i * chunk;
                pass.run(from, Math.min(length, from + chunk), tile);
            }
        }
    }

    /** Stops the worker threads; the update cannot be applied afterwards. */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    private UpdatePass pass(UpdateRule rule, StepKernel kernel) {
        ByteBuffer params = FlatFloats.of(network.params(), "the network's parameters");
        int length = params.capacity() / Float.BYTES;
        ByteBuffer gradient = FlatFloats.of(network.getGradientsViewArray(), "the network's gradient view");
        if (gradient.capacity() != params.capacity()) {
            throw new IllegalStateException("the gradient view has " + gradient.capacity() / Float.BYTES
                    + " elements but the parameters " + length);
        }
        int slices = rule.stateSlices();
        if (slices == 0) {
            return new UpdatePass(kernel, new FlatArrays(gradient, params, null, null), vectorization);
        }
        INDArray stateView = stateView();
        if (stateView == null || stateView.length() != (long) slices * length) {
            throw new IllegalStateException("the updater state view has " + (stateView == null ? 0 : stateView.length())
                    + " elements; " + slices + " slice(s) of " + length + " parameters need " + (long) slices * length);
        }
        ByteBuffer state = FlatFloats.of(stateView, "the updater state view");
        int bytes = params.capacity();
        ByteBuffer first = state.slice(0, bytes).order(state.order());
        ByteBuffer second = slices == 2 ? state.slice(bytes, bytes).order(state.order()) : null;
        return new UpdatePass(kernel, new FlatArrays(gradient, params, first, second), vectorization);
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
