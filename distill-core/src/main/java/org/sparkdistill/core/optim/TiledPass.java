package org.sparkdistill.core.optim;

import java.nio.FloatBuffer;

/**
 * One step's pass over a range of the flat arrays: tile by tile, copy in, apply the kernel, copy the results out.
 *
 * <p>Each element of the gradient, the parameters and the state is read once and the parameters and state written
 * once. Uses absolute bulk transfers only, so several threads may run disjoint ranges over the same buffers.
 */
record TiledPass(TileKernel kernel, FloatBuffer gradient, FloatBuffer params, FloatBuffer first, FloatBuffer second) {

    /** Runs elements {@code [from, to)} through {@code tile}, which no other thread uses meanwhile. */
    void run(int from, int to, Tile tile) {
        for (int start = from; start < to; start += Tile.LENGTH) {
            int length = Math.min(Tile.LENGTH, to - start);
            gradient.get(start, tile.gradient, 0, length);
            params.get(start, tile.params, 0, length);
            if (first != null) {
                first.get(start, tile.first, 0, length);
            }
            if (second != null) {
                second.get(start, tile.second, 0, length);
            }
            kernel.apply(tile, length);
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
