package org.sparkdistill.core.optim;

import java.nio.FloatBuffer;

/**
 * One step's pass over ranges of the flat arrays: whole vectors in place with the Vector API where chosen, the rest
 * tile by tile (copy in, apply the kernel, copy the results out).
 *
 * <p>Each element of the gradient, the parameters and the state is read once and the parameters and state written
 * once. Uses absolute accesses only, so several threads may run disjoint ranges over the same buffers.
 */
final class UpdatePass {
    private final StepKernel kernel;
    private final FlatArrays arrays;
    private final boolean vectors;
    private final FloatBuffer gradient;
    private final FloatBuffer params;
    private final FloatBuffer first;
    private final FloatBuffer second;

    UpdatePass(StepKernel kernel, FlatArrays arrays, Vectorization vectorization) {
        vectorization.requireAvailable();
        this.kernel = kernel;
        this.arrays = arrays;
        this.vectors = vectorization == Vectorization.VECTOR_API;
        this.gradient = arrays.gradient().asFloatBuffer();
        this.params = arrays.params().asFloatBuffer();
        this.first = arrays.first() == null ? null : arrays.first().asFloatBuffer();
        this.second = arrays.second() == null ? null : arrays.second().asFloatBuffer();
    }

    /** How many elements each array has. */
    int length() {
        return arrays.length();
    }

    /** Runs elements {@code [from, to)}, using {@code tile}, which no other thread uses meanwhile. */
    void run(int from, int to, Tile tile) {
        int tilesFrom = from;
        if (vectors) {
            int lanes = VectorKernels.lanes();
            tilesFrom = from + (to - from) / lanes * lanes;
            kernel.applyToLanes(arrays, from, tilesFrom);
        }
        for (int start = tilesFrom; start < to; start += Tile.LENGTH) {
            int length = Math.min(Tile.LENGTH, to - start);
            gradient.get(start, tile.gradient, 0, length);
            params.get(start, tile.params, 0, length);
            if (first != null) {
                first.get(start, tile.first, 0, length);
            }
            if (second != null) {
                second.get(start, tile.second, 0, length);
            }
            kernel.applyToTile(tile, length);
            params.put(start, tile.params, 0, length);
            if (first != null) {
                first.put(start, tile.first, 0, length);
            }
            if (second != null) {
                second.put(start, tile.second, 0, length);
            }
        }
    }
}
