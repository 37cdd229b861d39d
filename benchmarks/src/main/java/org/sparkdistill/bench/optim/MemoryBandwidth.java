package org.sparkdistill.bench.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the machine's memory allows, measured on arrays as large as the benchmark's: libnd4j copying one off-heap
 * array into another, and Java streaming the fused update's traffic with no arithmetic (four off-heap float arrays
 * read and three written back, tile by tile through on-heap arrays, as the fused update moves them). Rates count the
 * bytes read plus the bytes written, the best of the rounds.
 */
final class MemoryBandwidth implements AutoCloseable {
    /** The fused update's tile length. */
    private static final int TILE = 256;
    private static final int ARRAYS = 4;

    private final int length;
    private final INDArray[] arrays = new INDArray[ARRAYS];

    /** Allocates four arrays of {@code length} random floats. */
    MemoryBandwidth(int length) {
        this.length = length;
        for (int i = 0; i < ARRAYS; i++) {
            arrays[i] = Nd4j.rand(DataType.FLOAT, length);
        }
    }

    /** Bytes per second of libnd4j's copy of two of the arrays into the other two, on ND4J's current threads. */
    double copyRate(int rounds) {
        INDArray from = Nd4j.concat(0, arrays[0], arrays[1]);
        INDArray to = Nd4j.concat(0, arrays[2], arrays[3]);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            to.assign(from);
            best = Math.min(best, System.nanoTime() - start);
        }
        from.close();
        to.close();
        return 2.0 * Float.BYTES * 2 * length / (best / 1e9);
    }

    /** Bytes per second of streaming the fused update's traffic on {@code threads} threads, each a contiguous part. */
    double streamingRate(int threads, int rounds) throws Exception {
        FloatBuffer[] buffers = new FloatBuffer[ARRAYS];
        for (int i = 0; i < ARRAYS; i++) {
            buffers[i] = arrays[i].data().asNioFloat();
        }
        int part = ((length / threads) / TILE + 1) * TILE;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long best = Long.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                List<Future<?>> parts = new ArrayList<>();
                for (int from = 0; from < length; from += part) {
                    int first = from;
                    parts.add(pool.submit(() -> stream(buffers, first, Math.min(length, first + part))));
                }
                for (Future<?> each : parts) {
                    each.get();
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            return 7.0 * Float.BYTES * length / (best / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void stream(FloatBuffer[] buffers, int from, int to) {
        float[][] tiles = new float[ARRAYS][TILE];
        for (int start = from; start < to; start += TILE) {
            int n = Math.min(TILE, to - start);
            for (int i = 0; i < ARRAYS; i++) {
                buffers[i].get(start, tiles[i], 0, n);
            }
            for (int i = 1; i < ARRAYS; i++) {
                buffers[i].put(start, tiles[i], 0, n);
            }
        }
    }

    @Override
    public void close() {
        for (INDArray array : arrays) {
            array.close();
        }
    }
}
