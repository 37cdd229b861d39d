package org.sparkdistill.core.optim;

/**
 * On-heap staging arrays for one stretch of the flat arrays, so that the JIT compiler vectorizes the update rule.
 *
 * <p>The flat arrays live off-heap; HotSpot does not vectorize loops over direct buffers, but does over {@code float[]}.
 * A tile of {@link #LENGTH} elements per array stays in the core's cache between the bulk copy in, the rule and the
 * bulk copy out, so the copies add no memory traffic. Used by one thread at a time.
 */
final class Tile {
    /** Elements per tile: four arrays of 16 KiB each stay within a core's level-2 cache. */
    static final int LENGTH = 4096;

    final float[] gradient = new float[LENGTH];
    final float[] params = new float[LENGTH];
    /** The first updater state slice: Adam's first moment, Nesterov's velocity. */
    final float[] first = new float[LENGTH];
    /** The second updater state slice: Adam's second moment. */
    final float[] second = new float[LENGTH];
}
