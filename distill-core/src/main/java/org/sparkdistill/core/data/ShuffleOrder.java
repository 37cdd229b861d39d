package org.sparkdistill.core.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.sparkdistill.core.InvalidInputException;

/**
 * The order in which one epoch visits a shard's rows: shuffled blocks through a shuffle buffer.
 *
 * <p>The shard is cut into blocks of {@code blockRows} consecutive rows; the blocks are visited in a random
 * permutation, and their rows pass, in that order, through a buffer of {@code bufferRows} rows from which a random row is emitted
 * each time: once the buffer is full, each emitted row is replaced by the next incoming one, and when no row is left to
 * come the buffer drains at random (the streaming shuffle of TensorFlow's {@code Dataset.shuffle}, applied to shuffled
 * blocks). Every draw comes from one generator seeded by (seed, epoch), so the order depends on nothing else: a shard
 * in memory and a shard read back from disk block by block visit the same rows in the same order.
 *
 * <p>A row leaves the buffer on average {@code bufferRows} rows after it entered, so rows that share a block end up
 * spread over about that many positions, and a batch mixes rows of about {@code bufferRows / blockRows} blocks; with
 * {@code bufferRows} at least the shard's size the order is a uniform permutation whatever the blocks. Immutable and
 * thread-safe; a {@link Walk} is not.
 *
 * @param blockRows rows per block, ≥ 1: the unit read from disk in one piece
 * @param bufferRows rows in the shuffle buffer, ≥ 1; 1 visits the blocks' rows in block order
 */
public record ShuffleOrder(int blockRows, int bufferRows) implements Serializable {
    /** 256 rows: for 28 × 28 images a block is 785 KiB, read in one sequential piece. */
    public static final int DEFAULT_BLOCK_ROWS = 256;
    /** 16,384 rows: 64 blocks in the buffer; for 28 × 28 images the buffer holds 49 MiB. */
    public static final int DEFAULT_BUFFER_ROWS = 16_384;
    /** The order with the default block and buffer sizes. */
    public static final ShuffleOrder DEFAULT = new ShuffleOrder(DEFAULT_BLOCK_ROWS, DEFAULT_BUFFER_ROWS);

    public ShuffleOrder {
        if (blockRows < 1) {
            throw new InvalidInputException("shuffle block = " + blockRows + " rows: must be >= 1");
        }
        if (bufferRows < 1) {
            throw new InvalidInputException("shuffle buffer = " + bufferRows + " rows: must be >= 1");
        }
    }

    /** The number of blocks a shard of {@code size} rows is cut into. */
    public int blocks(int size) {
        return (int) ((size + (long) blockRows - 1) / blockRows);
    }

    /**
     * The positions of a shard of {@code size} rows in the order epoch {@code epoch} visits them: a permutation of
     * {@code 0..size-1}.
     */
    public int[] epoch(int size, long seed, int epoch) {
        Walk walk = walk(size, seed, epoch);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = walk.next(BufferMoves.NONE);
        }
        return order;
    }

    /** A walk through epoch {@code epoch} of a shard of {@code size} rows, row by row. */
    public Walk walk(int size, long seed, int epoch) {
        if (size < 1) {
            throw new InvalidInputException("a shuffled epoch needs at least one row; the shard has " + size);
        }
        return new Walk(size, seed, epoch);
    }

    /**
     * What a reader does to mirror the shuffle buffer with the rows' contents. The walk reports every row entering the
     * buffer and every row moved within it; the slot of an emitted row is {@link Walk#slot()} and stays valid until
     * the next call to {@link Walk#next}.
     */
    public interface BufferMoves {
        /** For walks that only compute positions. */
        BufferMoves NONE = new BufferMoves() {
            @Override
            public void enter(int position, int slot) {}

            @Override
            public void move(int fromSlot, int toSlot) {}
        };

        /** Row {@code position} of the shard enters the buffer at {@code slot}. */
        void enter(int position, int slot);

        /** The row at {@code fromSlot} moves to {@code toSlot}, which is free. */
        void move(int fromSlot, int toSlot);
    }

    /** One epoch's rows, one at a time, with the shuffle buffer's slots. Not thread-safe. */
    public final class Walk {
        private final int size;
        private final int[] blockOrder;
        private final SplittableRandom random;
        private final int[] slots;
        private int count;
        private int nextBlock;
        private int nextOffset;
        private int emitted;
        private int pendingSlot = -1;

        private Walk(int size, long seed, int epoch) {
            this.size = size;
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            this.blockOrder = permutation(blocks(size), random);
            this.slots = new int[Math.min(bufferRows, size)];
        }

        /** How many rows this walk has emitted. */
        public int emitted() {
            return emitted;
        }

        /** Whether every row of the epoch has been emitted. */
        public boolean finished() {
            return emitted == size;
        }

        /** The slot the last emitted row was in. */
        public int slot() {
            return pendingSlot;
        }

        /**
         * The next row's position; first {@code moves} hears of the rows entering or moving in the buffer before it
         * is drawn.
         *
         * @throws NoSuchElementException when every row has been emitted
         */
        public int next(BufferMoves moves) {
            if (finished()) {
                throw new NoSuchElementException("every one of the " + size + " rows has been emitted");
            }
            if (pendingSlot < 0) {
                while (count < slots.length) {
                    enter(count, moves);
                    count++;
                }
            } else if (hasIncoming()) {
                // The row emitted last is replaced only now, so a reader could copy it out of its slot meanwhile.
                enter(pendingSlot, moves);
            } else {
                int last = count - 1;
                if (pendingSlot != last) {
                    slots[pendingSlot] = slots[last];
                    moves.move(last, pendingSlot);
                }
                count--;
            }
            pendingSlot = random.nextInt(count);
            emitted++;
            return slots[pendingSlot];
        }

        /** Emits {@code rows} rows without reporting buffer moves: the index computation alone, to resume mid-epoch. */
        public void skip(int rows) {
            for (int i = 0; i < rows; i++) {
                next(BufferMoves.NONE);
            }
        }

        /**
         * Reports, in ascending position order, every row the buffer holds that has not been emitted, as entering its
         * slot: what a reader that joins the walk after {@link #skip} must load.
         */
        public void replay(BufferMoves moves) {
            long[] held = new long[count];
            int n = 0;
            for (int s = 0; s < count; s++) {
                if (s != pendingSlot) {
                    held[n++] = (long) slots[s] << 32 | s;
                }
            }
            Arrays.sort(held, 0, n);
            for (int i = 0; i < n; i++) {
                moves.enter((int) (held[i] >>> 32), (int) held[i]);
            }
        }

        private boolean hasIncoming() {
            return nextBlock < blockOrder.length;
        }

        private void enter(int slot, BufferMoves moves) {
            int block = blockOrder[nextBlock];
            int position = block * blockRows + nextOffset;
            slots[slot] = position;
            moves.enter(position, slot);
            nextOffset++;
            if (nextOffset == blockRows || position == size - 1) {
                nextBlock++;
                nextOffset = 0;
            }
        }
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
