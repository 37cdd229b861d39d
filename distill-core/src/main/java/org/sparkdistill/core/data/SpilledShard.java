package org.sparkdistill.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.sparkdistill.core.InvalidInputException;

/**
 * A shard whose rows live in a {@link SpillFile} on local disk: each epoch reads the blocks one by one in the order's
 * block permutation, and keeps only the rows of its shuffle buffer on the heap.
 *
 * <p>An epoch's reader mirrors the {@link ShuffleOrder.Walk}: a row's features are copied into the buffer slot the walk
 * puts it in, and out of it when the walk emits it. The heap it holds is {@code bufferRows × (D + 1)} values
 * (features and labels) plus one block off the heap. {@link #close()} deletes the file. Readers of different epochs may
 * be used from different threads; each reader from one thread at a time.
 */
public final class SpilledShard extends AbstractShard {
    private final SpillFile file;

    SpilledShard(String name, int[] shape, int numClasses, ShuffleOrder order, long firstUnlabeled, SpillFile file) {
        super(name, shape, numClasses, order, Math.toIntExact(file.rows()), firstUnlabeled);
        this.file = file;
    }

    /** The bytes of the spill file. */
    public long bytes() {
        return file.length();
    }

    /** Where the rows are, for messages and tests. */
    public java.nio.file.Path path() {
        return file.path();
    }

    /**
     * Checks the file's header and length, replays the order's index computation up to row {@code from} without
     * reading rows, then reads the rows the shuffle buffer holds at that point.
     *
     * @throws SpillFileException when the file is not as it was written
     */
    @Override
    public EpochRows rows(long seed, int epoch, int from) {
        if (from < 0) {
            throw new InvalidInputException(name() + ": cannot start an epoch at row " + from);
        }
        file.verify();
        return new Reader(seed, epoch, from % size());
    }

    @Override
    public void close() {
        file.delete();
    }

    @Override
    String where() {
        return "spilled to " + file.path();
    }

    /** One epoch's rows, read block after block in the walk's order. */
    private final class Reader implements EpochRows, ShuffleOrder.BufferMoves {
        private final long seed;
        private final int epoch;
        private final float[] slotFeatures;
        private final int[] slotLabels;
        private final ByteBuffer block;
        private final FloatBuffer blockFloats;
        private ShuffleOrder.Walk walk;
        private int loadedBlock = -1;

        private final int width = featureCount();
        private final ShuffleOrder order = order();
        private final int size = size();

        Reader(long seed, int epoch, int from) {
            this.seed = seed;
            this.epoch = epoch;
            int slots = Math.min(order.bufferRows(), size);
            long values = (long) slots * width;
            if (values > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(name() + ": a shuffle buffer of " + slots + " rows of " + width
                        + " features holds " + values + " values, more than a Java array can; use a smaller buffer");
            }
            this.slotFeatures = new float[(int) values];
            this.slotLabels = new int[slots];
            this.block = ByteBuffer.allocateDirect(SpillFile.blockBytes(width, order.blockRows()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            this.blockFloats = SpillFile.floats(block);
            this.walk = order.walk(size, seed, epoch);
            walk.skip(from);
            walk.replay(this);
        }

        @Override
        public void read(int[] positions, float[] features, int[] labels) {
            for (int i = 0; i < positions.length; i++) {
                if (walk.finished()) {
                    walk = order.walk(size, seed, epoch);
                }
                int index = walk.emitted();
                int position = walk.next(this);
                if (position != positions[i]) {
                    throw new IllegalStateException(name() + ", epoch " + epoch + ": batch row " + i + " asks for shard "
                            + "row " + positions[i] + " but row " + index + " of the epoch's order is shard row "
                            + position);
                }
                int slot = walk.slot();
                System.arraycopy(slotFeatures, slot * width, features, i * width, width);
                labels[i] = slotLabels[slot];
            }
        }

        @Override
        public void enter(int position, int slot) {
            int b = position / order.blockRows();
            if (b != loadedBlock) {
                file.readBlock(b, block);
                loadedBlock = b;
            }
            int record = (position - b * order.blockRows()) * (width + 1);
            blockFloats.get(record, slotFeatures, slot * width, width);
            slotLabels[slot] = block.getInt((record + width) * Float.BYTES);
        }

        @Override
        public void move(int fromSlot, int toSlot) {
            System.arraycopy(slotFeatures, fromSlot * width, slotFeatures, toSlot * width, width);
            slotLabels[toSlot] = slotLabels[fromSlot];
        }

        @Override
        public void close() {
            loadedBlock = -1;
        }
    }
}
