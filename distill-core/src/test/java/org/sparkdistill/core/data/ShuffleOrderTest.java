package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.core.data.ExamplesTest.refused;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShuffleOrderTest {
    private static final int[] SIZES = {1, 2, 7, 16, 17, 100, 257};
    private static final ShuffleOrder[] ORDERS = {new ShuffleOrder(1, 1), new ShuffleOrder(1, 5), new ShuffleOrder(4, 1),
        new ShuffleOrder(4, 10), new ShuffleOrder(16, 64), new ShuffleOrder(256, 16_384)};

    @Test
    void everyEpochIsAPermutationOfTheShardsRows() {
        for (ShuffleOrder order : ORDERS) {
            for (int size : SIZES) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    int[] visited = order.epoch(size, 11L, epoch);
                    assertArrayEquals(IntStream.range(0, size).toArray(), IntStream.of(visited).sorted().toArray(),
                            order + ", " + size + " rows, epoch " + epoch);
                }
            }
        }
    }

    @Test
    void theOrderDependsOnlyOnSeedAndEpoch() {
        ShuffleOrder order = new ShuffleOrder(8, 32);
        int[] first = order.epoch(500, 42L, 3);
        assertArrayEquals(first, new ShuffleOrder(8, 32).epoch(500, 42L, 3));
        assertFalse(Arrays.equals(first, order.epoch(500, 43L, 3)), "another seed");
        assertFalse(Arrays.equals(first, order.epoch(500, 42L, 4)), "another epoch");
    }

    @Test
    void aBufferOfOneRowVisitsWholeBlocksInAPermutedBlockOrder() {
        ShuffleOrder order = new ShuffleOrder(4, 1);
        int[] visited = order.epoch(10, 5L, 0);
        int[] blockStarts = new int[3];
        for (int b = 0, i = 0; i < visited.length; b++) {
            int start = visited[i];
            assertEquals(0, start % 4, "a block starts at a multiple of 4: " + Arrays.toString(visited));
            blockStarts[b] = start;
            int length = Math.min(4, 10 - start);
            for (int r = 0; r < length; r++, i++) {
                assertEquals(start + r, visited[i], "rows of a block come in order: " + Arrays.toString(visited));
            }
        }
        assertArrayEquals(new int[] {0, 4, 8}, IntStream.of(blockStarts).sorted().toArray());
        boolean permuted = false;
        for (long seed = 0; seed < 10 && !permuted; seed++) {
            permuted = order.epoch(10, seed, 0)[0] != 0;
        }
        assertTrue(permuted, "some seed visits another block first");
    }

    @Test
    void blocksOfOneRowAndABufferOfOneRowGiveAPermutationOfSingleRows() {
        ShuffleOrder order = new ShuffleOrder(1, 1);
        int[] visited = order.epoch(50, 9L, 2);
        assertFalse(Arrays.equals(IntStream.range(0, 50).toArray(), visited));
        assertArrayEquals(IntStream.range(0, 50).toArray(), IntStream.of(visited).sorted().toArray());
    }

    @Test
    void aBlockAsLargeAsTheShardAndABufferOfOneRowKeepShardOrder() {
        assertArrayEquals(IntStream.range(0, 5).toArray(), new ShuffleOrder(256, 1).epoch(5, 1L, 0));
        assertArrayEquals(IntStream.range(0, 256).toArray(), new ShuffleOrder(256, 1).epoch(256, 1L, 7));
    }

    @Test
    void aRowLeavesTheBufferAfterEnteringItAndWithinTheBuffersReach() {
        // The block permutation is drawn first from the same generator, so the rows enter the buffer in the order a
        // buffer of one row emits them.
        int size = 1000;
        int buffer = 50;
        int[] incoming = new ShuffleOrder(10, 1).epoch(size, 77L, 1);
        int[] visited = new ShuffleOrder(10, buffer).epoch(size, 77L, 1);
        int[] entered = new int[size];
        for (int i = 0; i < size; i++) {
            entered[incoming[i]] = i;
        }
        int farthest = 0;
        for (int k = 0; k < size; k++) {
            int arrival = entered[visited[k]];
            assertTrue(arrival < k + buffer, "row emitted " + k + "th entered " + arrival + "th, beyond the buffer");
            farthest = Math.max(farthest, k - arrival);
        }
        assertTrue(farthest >= buffer, "some row waits longer than one buffer length: " + farthest);
    }

    @Test
    void aShardSmallerThanABlockIsShuffledByTheBuffer() {
        ShuffleOrder order = new ShuffleOrder(256, 16_384);
        int[] visited = order.epoch(20, 3L, 0);
        assertArrayEquals(IntStream.range(0, 20).toArray(), IntStream.of(visited).sorted().toArray());
        assertFalse(Arrays.equals(IntStream.range(0, 20).toArray(), visited));
        assertEquals(1, order.blocks(20));
        assertEquals(2, order.blocks(257));
    }

    @Test
    void anEmptyShardAndEmptyBlocksOrBuffersAreRefused() {
        refused(() -> ShuffleOrder.DEFAULT.epoch(0, 1L, 0), "at least one row", "has 0");
        refused(() -> ShuffleOrder.DEFAULT.walk(-1, 1L, 0), "at least one row", "has -1");
        refused(() -> new ShuffleOrder(0, 10), "shuffle block = 0 rows", ">= 1");
        refused(() -> new ShuffleOrder(10, -2), "shuffle buffer = -2 rows", ">= 1");
    }

    @Test
    void aWalkEndsAfterEveryRow() {
        ShuffleOrder.Walk walk = new ShuffleOrder(2, 2).walk(3, 1L, 0);
        walk.skip(3);
        assertTrue(walk.finished());
        assertThrows(NoSuchElementException.class, () -> walk.next(ShuffleOrder.BufferMoves.NONE));
    }

    @Test
    void bufferMovesTellAReaderWhichSlotHoldsEachEmittedRow() {
        ShuffleOrder order = new ShuffleOrder(3, 8);
        int size = 40;
        int[] visited = order.epoch(size, 21L, 1);
        for (int from : new int[] {0, 1, 7, 8, 20, 33, 39}) {
            SlotMirror mirror = new SlotMirror(8);
            ShuffleOrder.Walk walk = order.walk(size, 21L, 1);
            walk.skip(from);
            walk.replay(mirror);
            for (int k = from; k < size; k++) {
                int position = walk.next(mirror);
                assertEquals(visited[k], position, "row " + k + " after resuming at " + from);
                assertEquals(position, mirror.slots[walk.slot()], "slot of row " + k + " after resuming at " + from);
            }
        }
    }

    /** Keeps what each slot holds, as a reader of the rows would. */
    private static final class SlotMirror implements ShuffleOrder.BufferMoves {
        final int[] slots;

        SlotMirror(int size) {
            slots = new int[size];
            Arrays.fill(slots, -1);
        }

        @Override
        public void enter(int position, int slot) {
            slots[slot] = position;
        }

        @Override
        public void move(int fromSlot, int toSlot) {
            slots[toSlot] = slots[fromSlot];
            slots[fromSlot] = -1;
        }
    }
}
