package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchBuffersTest {
    @Test
    void aSetGivenBackIsReusedForTheSameRowCount() {
        try (BatchBuffers buffers = new BatchBuffers(4, 3)) {
            BatchBuffers.Set first = buffers.acquire(5);
            assertArrayEquals(new long[] {5, 4}, first.features().shape());
            assertArrayEquals(new long[] {5, 3}, first.labels().shape());
            BatchBuffers.Set second = buffers.acquire(5);
            assertNotSame(first, second);
            first.release();
            assertSame(first, buffers.acquire(5));
            assertNotSame(first, buffers.acquire(2), "a smaller last batch gets sets of its own size");
            assertEquals(3, buffers.allocated());
        }
    }

    @Test
    void closeFreesEverySetGivenBackOrNot() {
        BatchBuffers buffers = new BatchBuffers(4, 3);
        BatchBuffers.Set kept = buffers.acquire(2);
        BatchBuffers.Set returned = buffers.acquire(2);
        returned.release();
        buffers.close();
        assertTrue(kept.features().wasClosed() && kept.labels().wasClosed());
        assertTrue(returned.features().wasClosed());
        kept.release();
        buffers.close();
        assertThrows(IllegalStateException.class, () -> buffers.acquire(2));
    }

    @Test
    void refusesBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new BatchBuffers(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new BatchBuffers(4, 1));
        try (BatchBuffers buffers = new BatchBuffers(4, 3)) {
            assertThrows(IllegalArgumentException.class, () -> buffers.acquire(0));
        }
    }
}
