package org.sparkdistill.core.teacher;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.sparkdistill.core.InvalidInputException;

/**
 * How a teacher wants its input, as configured: the channel layout, the example shape, and the scaling and per-channel
 * normalisation its training used. Every field may be left to the model and the data.
 *
 * <p>Examples arrive as the student sees them: flat rows in the data's order, channels first ({@code [C, H, W]}).
 * A teacher gets {@code (x × scale − mean[c]) / std[c]} for the value {@code x} of channel {@code c}, laid out as
 * {@link #layout} says and shaped as {@link #shape} says. A model trained on pixels in 0–255 takes {@code scale}
 * 255; one trained on ImageNet's normalisation takes its means and deviations.
 *
 * @param layout the model's channel layout, or null to infer it from the model's declared input (channels first when
 *     both fit, or when the model declares none)
 * @param shape the model's example shape in its own layout (such as {@code [28, 28, 1]} for NHWC or {@code [784]}),
 *     or null for the model's declared shape, else the data's shape in {@link #layout}
 * @param scale multiplies every value first; finite and non-zero
 * @param mean subtracted per channel after scaling: none, one value for all channels, or one per channel
 * @param std divides per channel after the mean: none, one value, or one per channel; each finite and positive
 */
public record TeacherInput(ChannelLayout layout, long[] shape, double scale, double[] mean, double[] std)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The examples as the data holds them: no scaling, no normalisation, the model's or the data's shape. */
    public static final TeacherInput AS_DATA = new TeacherInput(null, null, 1, new double[0], new double[0]);

    public TeacherInput {
        shape = shape == null ? null : shape.clone();
        mean = mean == null ? new double[0] : mean.clone();
        std = std == null ? new double[0] : std.clone();
        if (!Double.isFinite(scale) || scale == 0) {
            throw new InvalidInputException("teacher input scale = " + scale + ": must be finite and non-zero");
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new InvalidInputException("teacher input mean = " + Arrays.toString(mean) + ": must be finite");
            }
        }
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new InvalidInputException("teacher input std = " + Arrays.toString(std)
                        + ": each must be finite and > 0");
            }
        }
        if (shape != null) {
            for (long d : shape) {
                if (d < 1) {
                    throw new InvalidInputException("teacher input shape = " + Arrays.toString(shape)
                            + ": each size must be ≥ 1");
                }
            }
        }
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * Fits these settings to a model and the data.
     *
     * @param teacher the teacher's name, for messages
     * @param dataShape the data's example shape, channels first ({@code [C, H, W]}, or {@code [D]})
     * @param declared the model's declared input shape including the batch axis, with -1 where a size is free; or
     *     null when the model declares none
     * @throws InvalidInputException naming the teacher, the model's shape and the data's when they do not fit, or the
     *     normalisation when its channel count differs from the data's
     */
    public InputTransform bind(String teacher, long[] dataShape, long[] declared) {
        long values = LongStream.of(dataShape).reduce(1, Math::multiplyExact);
        long channels = dataShape.length == 3 ? dataShape[0] : 1;
        requireChannels(teacher, "mean", mean, channels, dataShape);
        requireChannels(teacher, "std", std, channels, dataShape);
        long[] example = declared == null ? null : Arrays.copyOfRange(declared, 1, declared.length);
        ChannelLayout chosen = layout != null ? layout : inferLayout(dataShape, example);
        if (chosen == ChannelLayout.NHWC && dataShape.length != 3) {
            throw new InvalidInputException("teacher '" + teacher + "' has input layout NHWC, but the data's examples"
                    + " have shape " + Arrays.toString(dataShape) + ", not [channels, height, width]; set data.shape");
        }
        long[] target = shape != null ? shape()
                : example != null && LongStream.of(example).allMatch(d -> d > 0) ? example
                : fill(example, inLayout(dataShape, chosen), teacher, dataShape);
        if (LongStream.of(target).reduce(1, Math::multiplyExact) != values) {
            throw new InvalidInputException("teacher '" + teacher + "' takes examples of shape " + show(target)
                    + " (" + LongStream.of(target).reduce(1, Math::multiplyExact) + " values), but the data's have shape "
                    + show(dataShape) + " (" + values + " values)");
        }
        if (example != null && !fits(example, target)) {
            throw new InvalidInputException("teacher '" + teacher + "' declares input shape " + show(declared)
                    + ", which examples of shape " + show(target) + " do not fit (the data's shape is "
                    + show(dataShape) + (layout == null ? "" : ", layout " + layout) + ")");
        }
        return new InputTransform(dataShape, chosen, target, scale, mean, std);
    }

    private static void requireChannels(String teacher, String key, double[] values, long channels, long[] dataShape) {
        if (values.length > 1 && values.length != channels) {
            throw new InvalidInputException("teacher '" + teacher + "' input " + key + " = " + Arrays.toString(values)
                    + " has " + values.length + " values, but the data's examples (shape " + show(dataShape) + ") have "
                    + channels + " channel" + (channels == 1 ? "" : "s") + "; give one value or one per channel");
        }
    }

    /** Channels first unless only channels last fits a rank-4 declared input. */
    private static ChannelLayout inferLayout(long[] dataShape, long[] example) {
        if (example != null && example.length == 3 && dataShape.length == 3
                && !fits(example, dataShape) && fits(example, inLayout(dataShape, ChannelLayout.NHWC))) {
            return ChannelLayout.NHWC;
        }
        return ChannelLayout.NCHW;
    }

    /** The data's example shape in {@code layout}. */
    private static long[] inLayout(long[] dataShape, ChannelLayout layout) {
        return layout == ChannelLayout.NHWC ? new long[] {dataShape[1], dataShape[2], dataShape[0]} : dataShape.clone();
    }

    /** The model's declared example shape with its free sizes taken from the data, or the data's when it has none. */
    private static long[] fill(long[] example, long[] data, String teacher, long[] dataShape) {
        if (example == null) {
            return data;
        }
        if (example.length == 1) {
            return new long[] {LongStream.of(data).reduce(1, Math::multiplyExact)};
        }
        if (example.length != data.length) {
            throw new InvalidInputException("teacher '" + teacher + "' declares input shape [N, " + join(example)
                    + "] with free sizes, which the data's examples of shape " + show(dataShape) + " do not fill;"
                    + " set the teacher's input shape");
        }
        long[] filled = example.clone();
        for (int i = 0; i < filled.length; i++) {
            if (filled[i] < 1) {
                filled[i] = data[i];
            }
        }
        return filled;
    }

    private static boolean fits(long[] declared, long[] shape) {
        if (declared.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (declared[i] > 0 && declared[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    static String show(long[] shape) {
        return "[" + join(shape) + "]";
    }

    private static String join(long[] shape) {
        return LongStream.of(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d)).collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TeacherInput t && layout == t.layout && Arrays.equals(shape, t.shape)
                && Double.compare(scale, t.scale) == 0 && Arrays.equals(mean, t.mean) && Arrays.equals(std, t.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * Objects.hashCode(layout) + Arrays.hashCode(shape))
                + Double.hashCode(scale)) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "TeacherInput[layout=" + layout + ", shape=" + (shape == null ? null : show(shape)) + ", scale=" + scale
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
