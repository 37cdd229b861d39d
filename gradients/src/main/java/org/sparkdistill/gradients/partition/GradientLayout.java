package org.sparkdistill.gradients.partition;

import java.util.Arrays;

/**
 * Where each layer's gradient lies in a flat gradient vector, listed in the order the backward pass makes them final.
 *
 * <p>Layer {@code k} of the layout is the {@code k}-th layer whose gradient becomes final: the output layer is layer 0.
 * Its gradient is the range {@code [offset(k), offset(k) + length(k))} of the flat vector, in elements. Consecutive
 * layers are adjacent and run from the end of the vector towards its start, as DL4J lays out its flattened gradient,
 * so any run of consecutive layers is one contiguous range. Layers without parameters have length 0.
 */
public final class GradientLayout {
    private final long[] offsets;
    private final long[] lengths;
    private final int bytesPerElement;

    private GradientLayout(long[] offsets, long[] lengths, int bytesPerElement) {
        this.offsets = offsets;
        this.lengths = lengths;
        this.bytesPerElement = bytesPerElement;
    }

    /**
     * The layout of layers with {@code lengths} elements each, listed in backward order, filling a vector from its
     * end: layer 0 ends at the vector's end, the last layer starts at 0.
     */
    public static GradientLayout ofBackwardLengths(long[] lengths, int bytesPerElement) {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("a gradient layout needs at least one layer");
        }
        if (bytesPerElement <= 0) {
            throw new IllegalArgumentException("bytes per element must be positive, not " + bytesPerElement);
        }
        long total = 0;
        for (int k = 0; k < lengths.length; k++) {
            if (lengths[k] < 0) {
                throw new IllegalArgumentException("layer " + k + " has a negative length " + lengths[k]);
            }
            total += lengths[k];
        }
        long[] offsets = new long[lengths.length];
        long end = total;
        for (int k = 0; k < lengths.length; k++) {
            end -= lengths[k];
            offsets[k] = end;
        }
        return new GradientLayout(offsets, lengths.clone(), bytesPerElement);
    }

    /** The number of layers. */
    public int layers() {
        return lengths.length;
    }

    /** The first element of layer {@code k}'s gradient. */
    public long offset(int k) {
        return offsets[k];
    }

    /** The number of elements of layer {@code k}'s gradient. */
    public long length(int k) {
        return lengths[k];
    }

    /** The number of elements of the whole vector. */
    public long totalLength() {
        return offsets[0] + lengths[0];
    }

    public int bytesPerElement() {
        return bytesPerElement;
    }

    /** The first element of the contiguous range of layers {@code first..last} (inclusive, backward order). */
    public long rangeOffset(int first, int last) {
        return offsets[last];
    }

    /** The number of elements of layers {@code first..last} (inclusive, backward order). */
    public long rangeLength(int first, int last) {
        return offsets[first] + lengths[first] - offsets[last];
    }

    /** The bytes of layers {@code first..last} (inclusive, backward order). */
    public long rangeBytes(int first, int last) {
        return rangeLength(first, last) * bytesPerElement;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GradientLayout layout && bytesPerElement == layout.bytesPerElement
                && Arrays.equals(lengths, layout.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lengths) + bytesPerElement;
    }

    @Override
    public String toString() {
        return "GradientLayout" + Arrays.toString(lengths) + " x " + bytesPerElement + " B";
    }
}
