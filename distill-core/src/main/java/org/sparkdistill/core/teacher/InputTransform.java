package org.sparkdistill.core.teacher;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkdistill.core.InvalidInputException;

/**
 * A {@link TeacherInput} fitted to a model and the data: turns the student's flat rows into the batch the model takes.
 * Stateless and thread-safe.
 */
public final class InputTransform {
    private final long[] dataShape;
    private final ChannelLayout layout;
    private final long[] target;
    private final double scale;
    private final double[] mean;
    private final double[] std;
    private final long values;

    InputTransform(long[] dataShape, ChannelLayout layout, long[] target, double scale, double[] mean, double[] std) {
        this.dataShape = dataShape.clone();
        this.layout = layout;
        this.target = target.clone();
        this.scale = scale;
        this.mean = mean.clone();
        this.std = std.clone();
        this.values = Arrays.stream(dataShape).reduce(1, Math::multiplyExact);
    }

    /** The rows unchanged: flat, as the data holds them, for a model that declares no input shape of its own. */
    public static InputTransform flat(long[] dataShape) {
        return TeacherInput.AS_DATA.bind("", dataShape, null);
    }

    /** The layout the model gets. */
    public ChannelLayout layout() {
        return layout;
    }

    /** The example shape the model gets, without the batch axis. */
    public long[] exampleShape() {
        return target.clone();
    }

    /** The batch shape the model gets for {@code rows} examples. */
    public long[] batchShape(long rows) {
        long[] shape = new long[target.length + 1];
        shape[0] = rows;
        System.arraycopy(target, 0, shape, 1, target.length);
        return shape;
    }

    /** Whether {@link #apply} returns its argument itself. */
    public boolean isIdentity() {
        return scale == 1 && mean.length == 0 && std.length == 0 && target.length == 1
                && layout == ChannelLayout.NCHW;
    }

    /**
     * The model's input for a batch of flat rows {@code [N, D]}: a new float array in C order, or {@code rows} itself
     * when nothing changes.
     *
     * @throws InvalidInputException when the rows do not have the data's width
     */
    public INDArray apply(INDArray rows) {
        if (rows.rank() != 2 || rows.size(1) != values) {
            throw new InvalidInputException("teacher input of shape " + Arrays.toString(rows.shape()) + " does not hold"
                    + " flat examples of shape " + TeacherInput.show(dataShape) + " (" + values + " values each)");
        }
        if (isIdentity()) {
            return rows;
        }
        long n = rows.size(0);
        INDArray x = rows.castTo(DataType.FLOAT).dup('c');
        if (scale != 1) {
            x.muli(scale);
        }
        if (mean.length > 0 || std.length > 0) {
            long channels = dataShape.length == 3 ? dataShape[0] : 1;
            INDArray perChannel = x.reshape('c', n, channels, values / channels);
            for (int c = 0; c < channels; c++) {
                INDArray channel = perChannel.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all());
                if (mean.length > 0) {
                    channel.subi(mean[mean.length == 1 ? 0 : c]);
                }
                if (std.length > 0) {
                    channel.divi(std[std.length == 1 ? 0 : c]);
                }
            }
        }
        if (layout == ChannelLayout.NHWC) {
            x = x.reshape('c', n, dataShape[0], dataShape[1], dataShape[2]).permute(0, 2, 3, 1).dup('c');
        }
        return x.reshape('c', batchShape(n));
    }
}
