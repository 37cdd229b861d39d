package org.sparkdistill.core.optim;

import java.nio.ByteBuffer;

/**
 * The flat arrays one step of the fused update reads and writes, each a buffer over its elements' bytes in the platform's
 * byte order (see {@link FlatFloats}); element {@code i} of each is at byte {@code i * Float.BYTES}.
 *
 * @param gradient read only
 * @param params updated in place
 * @param first the first updater state slice, or null when the rule keeps none
 * @param second the second updater state slice, or null when the rule keeps fewer than two
 */
record FlatArrays(ByteBuffer gradient, ByteBuffer params, ByteBuffer first, ByteBuffer second) {
    /** How many elements each array has. */
    int length() {
        return params.capacity() / Float.BYTES;
    }
}
