package org.sparkdistill.core.data;

import java.util.Arrays;
import org.sparkdistill.core.InvalidInputException;

/** What every shard knows about itself: its name, size, row shape, classes and order. */
abstract class AbstractShard implements Shard {
    private final String name;
    private final int[] shape;
    private final int numClasses;
    private final ShuffleOrder order;
    private final int size;
    private final int width;
    private final long firstUnlabeled;

    /** @param firstUnlabeled the position of the first row without a label, or -1 when every row has one */
    AbstractShard(String name, int[] shape, int numClasses, ShuffleOrder order, int size, long firstUnlabeled) {
        this.name = name;
        this.shape = shape.clone();
        this.numClasses = numClasses;
        this.order = order;
        this.size = size;
        this.width = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b));
        this.firstUnlabeled = firstUnlabeled;
    }

    @Override
    public final void requireLabelled(String use) {
        if (firstUnlabeled >= 0) {
            throw new InvalidInputException(name + ": row " + firstUnlabeled + " has no label, but " + use
                    + " needs a label on every row");
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final int[] shape() {
        return shape.clone();
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final ShuffleOrder order() {
        return order;
    }

    @Override
    public final int featureCount() {
        return width;
    }

    /** Where the rows are kept, for {@link #toString()}. */
    abstract String where();

    @Override
    public String toString() {
        return "shard '" + name + "' (" + size + " rows of shape " + Arrays.toString(shape) + " " + where() + ")";
    }
}
