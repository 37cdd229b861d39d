package org.sparkdistill.core.train;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.gradients.partition.GradientLayout;

/**
 * Reads where each layer's gradient view lies in a network's flat gradient, and accepts the result only as a
 * {@link GradientLayout}: layers in backward order, adjacent, filling the vector from its end to its start.
 */
final class GradientRanges {
    private GradientRanges() {}

    /**
     * The layout of {@code slots}' layers, read from their gradient views.
     *
     * @throws IllegalArgumentException naming the layers when a layer's gradient lies outside the flat gradient or the
     *     ranges do not fit a layout
     */
    static GradientLayout of(LayerSlots slots) {
        INDArray flat = slots.flatGradient();
        List<Layer> layers = slots.layers();
        List<String> names = slots.names();
        long[] offsets = new long[layers.size()];
        long[] lengths = new long[layers.size()];
        for (int k = 0; k < offsets.length; k++) {
            INDArray view = layers.get(k).getGradientsViewArray();
            if (view == null || view.length() == 0) {
                continue;
            }
            offsets[k] = view.offset() - flat.offset();
            lengths[k] = view.length();
            if (view.data().address() != flat.data().address() || offsets[k] < 0
                    || offsets[k] + lengths[k] > flat.length() || (lengths[k] > 1 && view.elementWiseStride() != 1)) {
                throw new IllegalArgumentException("layer " + k + " " + names.get(k) + " keeps its gradient outside the"
                        + " network's flat gradient, so its gradient cannot be reported as a range of that vector");
            }
        }
        return fit(names, offsets, lengths, flat.length(), flat.dataType().width());
    }

    /**
     * The layout of layers whose gradients are {@code [offsets[k], offsets[k] + lengths[k])} of a vector of
     * {@code total} elements, listed in backward order; layers of length 0 may sit anywhere.
     *
     * @throws IllegalArgumentException naming the layers when a layer with a gradient does not end where the previous
     *     one in backward order starts (the first one: where the vector ends), or the layers leave the vector's start
     *     uncovered
     */
    static GradientLayout fit(List<String> names, long[] offsets, long[] lengths, long total, int bytesPerElement) {
        long end = total;
        String previous = null;
        for (int k = 0; k < lengths.length; k++) {
            if (lengths[k] == 0) {
                continue;
            }
            if (offsets[k] + lengths[k] != end) {
                throw new IllegalArgumentException("layer " + k + " " + names.get(k) + " holds elements [" + offsets[k] + ", "
                        + (offsets[k] + lengths[k]) + ") of the flat gradient, but "
                        + (previous == null ? "is the first layer with a gradient to become final, so it must end at the"
                                + " vector's end, element " + end
                                : "becomes final right after layer " + previous + ", so it must end at element " + end
                                        + " where that layer starts")
                        + "; per-layer gradient events need the layers' ranges adjacent in backward order");
            }
            end = offsets[k];
            previous = k + " " + names.get(k);
        }
        if (end != 0) {
            throw new IllegalArgumentException("elements [0, " + end + ") of the flat gradient belong to no layer; the"
                    + " last layer with a gradient is layer " + previous);
        }
        return GradientLayout.ofBackwardLengths(lengths, bytesPerElement);
    }
}
