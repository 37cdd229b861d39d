package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The contract every {@link Transport} must satisfy, checked through the collectives built on it.
 * Each test forms fresh groups; segments are tiny so that chunks span many frames.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class TransportContract {
    private static final int SEGMENT_BYTES = 64;
    private static final long[] LENGTHS = {0, 1, 2, 3, 4, 7, 33, 1001};
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BUSY = SHORT_TIMEOUT.multipliedBy(4);

    /** A connected group of {@code size} transports; element r is rank r's. */
    abstract List<Transport> group(int size);

    /** A connected group of {@code size} transports that fail after {@code timeout} without progress. */
    abstract List<Transport> group(int size, Duration timeout);

    private <T> List<T> onEveryRank(int size, RankBody<T> body) {
        List<Transport> transports = group(size);
        return Ranks.all(size, rank -> {
            try (Communicator communicator = Communicator.of(transports.get(rank), SEGMENT_BYTES)) {
                return body.apply(communicator);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void allReduceSumsEveryLengthIncludingShorterThanTheGroup(int size) {
        for (long length : LENGTHS) {
            List<float[]> results = onEveryRank(size, c -> {
                INDArray v = input(c.rank(), length, DataType.FLOAT);
                c.allReduceSum(v);
                return floats(v);
            });
            float[] expected = new float[(int) length];
            double[] magnitude = new double[(int) length];
            for (int rank = 0; rank < size; rank++) {
                double[] values = values(rank, length);
                for (int i = 0; i < values.length; i++) {
                    expected[i] += (float) values[i];
                    magnitude[i] += Math.abs((float) values[i]);
                }
            }
            String where = "N=" + size + ", length=" + length;
            for (int rank = 0; rank < size; rank++) {
                float[] result = results.get(rank);
                // Every rank receives the same reduced chunks, so the ranks agree bit for bit.
                assertArrayEquals(results.get(0), result, where + ": rank " + rank + " differs from rank 0");
                // The ring adds each chunk in its own order, and this loop in rank order: each float sum of N addends
                // is within (N - 1) roundings of 2^-24 of the sum of their magnitudes from the exact sum.
                for (int i = 0; i < result.length; i++) {
                    double bound = 2 * (size - 1) * 0x1p-24 * magnitude[i];
                    assertEquals(expected[i], result[i], bound, where + ", element " + i);
                }
            }
        }
    }

    @Test
    void allReduceMeanOfDoublesIsTheAverage() {
        int size = 3;
        List<double[]> results = onEveryRank(size, c -> {
            INDArray v = input(c.rank(), 101, DataType.DOUBLE);
            c.allReduceMean(v);
            return v.toDoubleVector();
        });
        double[] expected = expectedSum(size, 101, DataType.DOUBLE).divi(size).toDoubleVector();
        results.forEach(r -> assertArrayEquals(expected, r, 1e-12));
    }

    @Test
    void allReduceWorksInPlaceOnAViewOfALargerArray() {
        int size = 2;
        List<float[]> results = onEveryRank(size, c -> {
            INDArray whole = input(c.rank(), 50, DataType.FLOAT);
            INDArray before = whole.dup();
            INDArray view = whole.get(NDArrayIndex.interval(10, 40));
            c.allReduceSum(view);
            assertEquals(before.getFloat(9), whole.getFloat(9), "elements before the view are untouched");
            assertEquals(before.getFloat(40), whole.getFloat(40), "elements after the view are untouched");
            return view.toFloatVector();
        });
        float[] expected = expectedSum(size, 50, DataType.FLOAT).get(NDArrayIndex.interval(10, 40)).toFloatVector();
        results.forEach(r -> assertArrayEquals(expected, r, 1e-5f));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void broadcastCopiesTheRootsVectorToEveryRank(int size) {
        for (int root = 0; root < size; root++) {
            int from = root;
            List<float[]> results = onEveryRank(size, c -> {
                INDArray v = input(c.rank(), 257, DataType.FLOAT);
                c.broadcast(v, from);
                return v.toFloatVector();
            });
            float[] expected = input(root, 257, DataType.FLOAT).toFloatVector();
            results.forEach(r -> assertArrayEquals(expected, r));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void allGatherOrdersBlocksByRank(int size) {
        List<float[]> results = onEveryRank(size, c -> {
            INDArray gathered = Nd4j.zeros(DataType.FLOAT, size * 13L);
            c.allGather(input(c.rank(), 13, DataType.FLOAT), gathered);
            return gathered.toFloatVector();
        });
        INDArray[] blocks = new INDArray[size];
        for (int r = 0; r < size; r++) {
            blocks[r] = input(r, 13, DataType.FLOAT);
        }
        float[] expected = Nd4j.concat(0, blocks).toFloatVector();
        results.forEach(r -> assertArrayEquals(expected, r));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void barrierReturnsOnlyAfterEveryRankArrived(int size) {
        AtomicInteger arrived = new AtomicInteger();
        List<Integer> seen = onEveryRank(size, c -> {
            arrived.incrementAndGet();
            c.barrier();
            return arrived.get();
        });
        seen.forEach(count -> assertEquals(size, count));
    }

    @Test
    void subGroupsReduceOnlyAmongTheirMembers() {
        int[] odd = {3, 1};
        int[] even = {4, 0, 2};
        List<float[]> results = onEveryRank(5, c -> {
            Communicator group = c.subGroup(c.rank() % 2 == 1 ? odd : even);
            INDArray v = input(c.rank(), 9, DataType.FLOAT);
            group.allReduceSum(v);
            group.close();
            return v.toFloatVector();
        });
        float[] oddSum = input(1, 9, DataType.FLOAT).add(input(3, 9, DataType.FLOAT)).toFloatVector();
        float[] evenSum = input(0, 9, DataType.FLOAT).add(input(2, 9, DataType.FLOAT))
                .add(input(4, 9, DataType.FLOAT)).toFloatVector();
        for (int rank = 0; rank < 5; rank++) {
            assertArrayEquals(rank % 2 == 1 ? oddSum : evenSum, results.get(rank), 1e-5f, "rank " + rank);
        }
    }

    @Test
    void everyCommunicatorCountsThePayloadItsRankSends() {
        // A ring all-reduce of 3 chunks of 4 floats sends 2 × 2 chunks from each of 3 ranks; the broadcast's root sends
        // the whole vector, the middle rank forwards it, the last rank sends nothing; a sub-group counts only its own.
        List<long[]> sent = onEveryRank(3, c -> {
            c.allReduceSum(input(c.rank(), 12, DataType.FLOAT));
            long afterAllReduce = c.bytesSent();
            c.broadcast(input(c.rank(), 12, DataType.FLOAT), 0);
            Communicator pair = c.rank() == 2 ? null : c.subGroup(0, 1);
            if (pair != null) {
                pair.allReduceSum(input(c.rank(), 12, DataType.FLOAT));
            }
            long[] counts = {afterAllReduce, c.bytesSent(), pair == null ? -1 : pair.bytesSent()};
            if (pair != null) {
                pair.close();
            }
            return counts;
        });
        for (int rank = 0; rank < 3; rank++) {
            assertEquals(4 * 4 * Float.BYTES, sent.get(rank)[0], "rank " + rank + ": all-reduce");
            assertEquals(4 * 4 * Float.BYTES + (rank < 2 ? 12 * Float.BYTES : 0), sent.get(rank)[1],
                    "rank " + rank + ": all-reduce and broadcast");
        }
        assertEquals(12 * Float.BYTES, sent.get(0)[2], "a pair's all-reduce sends each half once, in each phase");
    }

    @Test
    void aSubGroupMustContainThisRank() {
        List<Transport> transports = group(1);
        try (Communicator c = Communicator.of(transports.get(0))) {
            assertThrows(IllegalArgumentException.class, () -> c.subGroup(0, 0));
            assertThrows(IllegalArgumentException.class, () -> c.subGroup(1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void aPeerThatDiesMidOperationMakesEveryOtherRankFailFast(int size) {
        int dying = size / 2;
        List<Transport> transports = group(size);
        List<Ranks.Outcome<Object>> outcomes = Ranks.run(size, rank -> {
            Transport transport = rank == dying ? DyingTransport.afterExchanges(transports.get(rank), 3) : transports.get(rank);
            try (Communicator c = Communicator.of(transport, SEGMENT_BYTES)) {
                c.allReduceSum(input(rank, 4096, DataType.FLOAT));
                return null;
            }
        });
        for (int rank = 0; rank < size; rank++) {
            Throwable failure = outcomes.get(rank).failure();
            assertNotNull(failure, "rank " + rank + " must fail");
            assertInstanceOf(CollectiveException.class, failure, "rank " + rank);
            if (rank != dying) {
                assertTrue(failure.getMessage().contains("closed the connection"),
                        "rank " + rank + " must fail because a peer closed, not by timeout: " + failure.getMessage());
            }
        }
    }

    @Test
    void vectorsOfDifferentLengthsAreRefusedWithTheLengths() {
        List<Transport> transports = group(2);
        List<Ranks.Outcome<Object>> outcomes = Ranks.run(2, rank -> {
            try (Communicator c = Communicator.of(transports.get(rank), SEGMENT_BYTES)) {
                c.allReduceSum(input(rank, rank == 0 ? 10 : 12, DataType.FLOAT));
                return null;
            }
        });
        assertTrue(outcomes.stream().anyMatch(o -> o.failure() != null
                && o.failure().getMessage().contains("vectors of different lengths")), outcomes::toString);
    }

    @Test
    void differentCollectivesOnTwoRanksAreRefusedByTag() {
        List<Transport> transports = group(2);
        List<Ranks.Outcome<Object>> outcomes = Ranks.run(2, rank -> {
            try (Communicator c = Communicator.of(transports.get(rank), SEGMENT_BYTES)) {
                INDArray v = input(rank, 8, DataType.FLOAT);
                if (rank == 0) {
                    c.broadcast(v, 0);
                } else {
                    c.allReduceSum(v);
                }
                return null;
            }
        });
        assertTrue(outcomes.stream().anyMatch(o -> o.failure() != null
                && o.failure().getMessage().contains("running different collectives")), outcomes::toString);
    }

    @Test
    void aFrameAboveTheLimitIsNotSent() {
        List<Transport> transports = group(2);
        Transport t = transports.get(0);
        ByteBuffer tooBig = ByteBuffer.allocate(maxFrameBytes() + 1);
        assertThrows(IllegalArgumentException.class, () -> t.send(1, tooBig, Tags.ALL_REDUCE));
        transports.forEach(Transport::close);
    }

    @Test
    void aRankBusyInsideAKeepAliveForFourTimesTheTimeoutFailsNoPeerAndTheNextAllReduceIsExact() {
        List<Ranks.Outcome<Waited>> outcomes = busyRankZero(true);
        float[] expected = integerSum(3, 3001);
        for (int rank = 0; rank < 3; rank++) {
            assertArrayEquals(expected, outcomes.get(rank).get().sum(), "rank " + rank);
        }
        assertTrue(outcomes.get(2).get().nanos() >= BUSY.toNanos() / 2, "rank 2 waited for rank 0's work");
    }

    @Test
    void theSameRankBusyOutsideAKeepAliveFailsItsPeersWithinAboutTheTimeout() {
        List<Ranks.Outcome<Waited>> outcomes = busyRankZero(false);
        assertNotNull(outcomes.get(0).failure(), "rank 0 finds its peers gone");
        for (int rank = 1; rank < 3; rank++) {
            Waited waited = outcomes.get(rank).get();
            assertInstanceOf(CollectiveException.class, waited.failure(), "rank " + rank + " must fail");
            assertTrue(waited.nanos() < 2 * SHORT_TIMEOUT.toNanos() + 500_000_000L, "rank " + rank + " failed after "
                    + waited.nanos() / 1_000_000 + " ms, not within about the timeout of " + SHORT_TIMEOUT);
        }
        Waited onRankZero = outcomes.get(1).get();
        assertTrue(onRankZero.nanos() >= SHORT_TIMEOUT.toNanos(), "not before the timeout");
        assertTrue(onRankZero.failure().getMessage().contains("rank 0"), onRankZero.failure().getMessage());
    }

    @Test
    void aKeepAliveOnAClosedTransportIsRefused() {
        List<Transport> transports = group(2);
        transports.forEach(Transport::close);
        CollectiveException refused = assertThrows(CollectiveException.class,
                () -> transports.get(0).keepAlive("late work"));
        assertEquals("rank 0: the transport is closed", refused.getMessage());
    }

    @Test
    void aKeepAliveScopeClosesTwiceAndWithoutPeersHarmlessly() {
        List<Transport> alone = group(1);
        alone.get(0).keepAlive("work alone").close();
        List<Transport> pair = group(2);
        try {
            KeepAlive scope = pair.get(0).keepAlive("work");
            scope.close();
            scope.close();
            List<float[]> sums = Ranks.all(2, rank -> {
                INDArray v = integers(rank, 10);
                Communicator.of(pair.get(rank)).allReduceSum(v);
                return v.toFloatVector();
            });
            sums.forEach(sum -> assertArrayEquals(integerSum(2, 10), sum));
        } finally {
            alone.forEach(Transport::close);
            pair.forEach(Transport::close);
        }
    }

    /** A rank's second all-reduce: the sum, or the failure, and how long the rank spent in it. */
    private record Waited(float[] sum, Throwable failure, long nanos) {
    }

    /**
     * Three ranks all-reduce once; then rank 0 works alone for {@link #BUSY}, inside a keep-alive scope or not, while
     * the others start the next all-reduce at once, which rank 0 joins when done. In the ring, rank 2 waits on rank 1,
     * which waits on rank 0. Rank 0's failure is its outcome's; the others' are in their {@link Waited}.
     */
    private List<Ranks.Outcome<Waited>> busyRankZero(boolean keptAlive) {
        List<Transport> transports = group(3, SHORT_TIMEOUT);
        return Ranks.run(3, rank -> {
            try (Communicator c = Communicator.of(transports.get(rank), SEGMENT_BYTES * 16)) {
                c.allReduceSum(integers(rank, 3001));
                INDArray v = integers(rank, 3001);
                if (rank == 0) {
                    try (KeepAlive alive = keptAlive ? c.keepAlive("a test's local work") : KeepAlive.NONE) {
                        work(BUSY);
                    }
                    c.allReduceSum(v);
                    return new Waited(v.toFloatVector(), null, 0);
                }
                long started = System.nanoTime();
                try {
                    c.allReduceSum(v);
                    return new Waited(v.toFloatVector(), null, System.nanoTime() - started);
                } catch (CollectiveException e) {
                    return new Waited(null, e, System.nanoTime() - started);
                }
            }
        });
    }

    /** Stands for local work of the given length: the length is what the test is about, not an event to wait for. */
    static void work(Duration length) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Seeded whole numbers as floats, so that sums in any order are exact. */
    static INDArray integers(int rank, long length) {
        Random random = new Random(2_000 + rank);
        float[] values = new float[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(2001) - 1000;
        }
        return Nd4j.createFromArray(values);
    }

    /** The exact element-wise sum of {@link #integers} over {@code size} ranks. */
    static float[] integerSum(int size, long length) {
        float[] sum = new float[Math.toIntExact(length)];
        for (int rank = 0; rank < size; rank++) {
            float[] values = integers(rank, length).toFloatVector();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values[i];
            }
        }
        return sum;
    }

    /** The frame limit the group was built with. */
    abstract int maxFrameBytes();

    static INDArray input(int rank, long length, DataType type) {
        return Nd4j.createFromArray(values(rank, length)).castTo(type);
    }

    static double[] values(int rank, long length) {
        Random random = new Random(1_000 + rank);
        double[] values = new double[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() - 0.5;
        }
        return values;
    }

    static float[] floats(INDArray v) {
        return v.length() == 0 ? new float[0] : v.toFloatVector();
    }

    static INDArray expectedSum(int size, long length, DataType type) {
        INDArray sum = Nd4j.zeros(type, length);
        for (int rank = 0; rank < size; rank++) {
            sum.addi(input(rank, length, type));
        }
        return sum;
    }

    @FunctionalInterface
    interface RankBody<T> {
        T apply(Communicator communicator);
    }
}
