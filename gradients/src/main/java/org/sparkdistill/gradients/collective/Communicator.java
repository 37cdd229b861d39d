package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Collectives over a group of ranks: ring all-reduce, broadcast, all-gather and barrier, on
 * contiguous ND4J vectors that are sent from and received into their own memory.
 *
 * <p>All-reduce is the bandwidth-optimal ring of Patarasuk and Yuan, "Bandwidth optimal all-reduce
 * algorithms for clusters of workstations", JPDC 2009: a reduce-scatter then an all-gather, each of
 * size−1 steps in which every rank sends one chunk to its successor while receiving one from its
 * predecessor. Chunks travel in segments, so frames stay small and partial sums are added while
 * later segments are still arriving.
 *
 * <p>Every rank of the group must call the same collectives in the same order with vectors of the
 * same length and type. Not thread-safe; {@link #close()} releases the scratch memory and, for the
 * communicator that owns it, the transport.
 */
public final class Communicator implements AutoCloseable {
    /** Segment size used when none is given: 1 MiB. */
    public static final int DEFAULT_SEGMENT_BYTES = 1 << 20;

    private final Transport transport;
    private final int[] members;
    private final int index;
    private final int segmentBytes;
    private final boolean ownsTransport;
    private INDArray scratch;

    private Communicator(Transport transport, int[] members, int segmentBytes, boolean ownsTransport) {
        this.transport = transport;
        this.members = members;
        this.segmentBytes = segmentBytes;
        this.ownsTransport = ownsTransport;
        int found = -1;
        for (int i = 0; i < members.length; i++) {
            if (members[i] == transport.rank()) {
                found = i;
            }
        }
        this.index = found;
    }

    /** All ranks of {@code transport}, which this communicator owns and closes. */
    public static Communicator of(Transport transport) {
        return of(transport, DEFAULT_SEGMENT_BYTES);
    }

    /** All ranks of {@code transport}, sending segments of at most {@code segmentBytes}. */
    public static Communicator of(Transport transport, int segmentBytes) {
        if (segmentBytes < Double.BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at least " + Double.BYTES + ", got " + segmentBytes);
        }
        int[] all = new int[transport.size()];
        Arrays.setAll(all, i -> i);
        return new Communicator(transport, all, segmentBytes, true);
    }

    /**
     * A group of some of this group's ranks, in the given order, sharing the transport: the rank
     * of each member in the sub-group is its position in {@code groupRanks}. This rank must be one of them.
     */
    public Communicator subGroup(int... groupRanks) {
        int[] mapped = new int[groupRanks.length];
        boolean[] seen = new boolean[members.length];
        for (int i = 0; i < groupRanks.length; i++) {
            int r = groupRanks[i];
            if (r < 0 || r >= members.length || seen[r]) {
                throw new IllegalArgumentException("sub-group ranks must be distinct ranks in [0, " + members.length
                        + "), got " + Arrays.toString(groupRanks));
            }
            seen[r] = true;
            mapped[i] = members[r];
        }
        if (!seen[index]) {
            throw new IllegalArgumentException("rank " + index + " is not in the sub-group " + Arrays.toString(groupRanks));
        }
        return new Communicator(transport, mapped, segmentBytes, false);
    }

    /** This rank's position in the group. */
    public int rank() {
        return index;
    }

    /** The number of ranks in the group. */
    public int size() {
        return members.length;
    }

    /** Replaces {@code vector} on every rank by the element-wise sum over all ranks. */
    public void allReduceSum(INDArray vector) {
        INDArray flat = VectorBytes.requireFlat(vector, "the all-reduce vector");
        int n = members.length;
        long length = flat.length();
        if (n == 1 || length == 0) {
            return;
        }
        Chunks chunks = new Chunks(length, n);
        for (int step = 0; step < n - 1; step++) {
            int send = Math.floorMod(index - step, n);
            int receive = Math.floorMod(index - step - 1, n);
            exchangeChunks(flat, chunks, send, receive, true, Tags.ALL_REDUCE);
        }
        for (int step = 0; step < n - 1; step++) {
            int send = Math.floorMod(index - step + 1, n);
            int receive = Math.floorMod(index - step, n);
            exchangeChunks(flat, chunks, send, receive, false, Tags.ALL_REDUCE);
        }
    }

    /** Replaces {@code vector} on every rank by the element-wise mean over all ranks (sum, then scale). */
    public void allReduceMean(INDArray vector) {
        allReduceSum(vector);
        if (members.length > 1) {
            vector.divi(members.length);
        }
    }

    /** Copies {@code vector} from rank {@code root} to every rank, along a pipelined chain. */
    public void broadcast(INDArray vector, int root) {
        INDArray flat = VectorBytes.requireFlat(vector, "the broadcast vector");
        int n = members.length;
        if (root < 0 || root >= n) {
            throw new IllegalArgumentException("broadcast root must be in [0, " + n + "), got " + root);
        }
        if (n == 1 || flat.length() == 0) {
            return;
        }
        int position = Math.floorMod(index - root, n);
        int next = members[Math.floorMod(index + 1, n)];
        int previous = members[Math.floorMod(index - 1, n)];
        long segment = segmentElements(flat);
        long segments = ceilDiv(flat.length(), segment);
        for (long step = 0; step <= segments; step++) {
            long sent = position == 0 ? step : step - 1;
            boolean sends = position < n - 1 && sent >= 0 && sent < segments;
            boolean receives = position > 0 && step < segments;
            transport.exchange(sends ? next : Transport.NONE,
                    sends ? segmentBytes(flat, sent * segment, segment) : null,
                    receives ? previous : Transport.NONE,
                    receives ? segmentBytes(flat, step * segment, segment) : null, Tags.BROADCAST);
        }
    }

    /**
     * Gathers every rank's {@code local} vector into {@code gathered}, ordered by rank, on every rank.
     * {@code gathered} holds size × local.length() elements of the same type.
     */
    public void allGather(INDArray local, INDArray gathered) {
        INDArray mine = VectorBytes.requireFlat(local, "the all-gather input");
        INDArray all = VectorBytes.requireFlat(gathered, "the all-gather output");
        int n = members.length;
        long block = mine.length();
        if (all.length() != block * n || all.dataType() != mine.dataType()) {
            throw new IllegalArgumentException("the all-gather output must hold " + n + " × " + block + " "
                    + mine.dataType() + " elements, got " + all.length() + " " + all.dataType());
        }
        if (block > 0) {
            all.get(NDArrayIndex.interval(index * block, (index + 1) * block)).assign(mine);
        }
        if (n == 1 || block == 0) {
            return;
        }
        Chunks blocks = new Chunks(all.length(), n);
        for (int step = 0; step < n - 1; step++) {
            exchangeChunks(all, blocks, Math.floorMod(index - step, n), Math.floorMod(index - step - 1, n), false,
                    Tags.ALL_GATHER);
        }
    }

    /** Returns only after every rank of the group has called it (a dissemination barrier). */
    public void barrier() {
        int n = members.length;
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int distance = 1; distance < n; distance *= 2) {
            transport.exchange(members[Math.floorMod(index + distance, n)], empty.duplicate(),
                    members[Math.floorMod(index - distance, n)], empty.duplicate(), Tags.BARRIER);
        }
    }

    /**
     * Sends chunk {@code send} to the successor while receiving chunk {@code receive} from the predecessor,
     * segment by segment; received segments are added into place when {@code reduce}, else stored in place.
     */
    private void exchangeChunks(INDArray flat, Chunks chunks, int send, int receive, boolean reduce, int tag) {
        int n = members.length;
        int next = members[Math.floorMod(index + 1, n)];
        int previous = members[Math.floorMod(index - 1, n)];
        long segment = segmentElements(flat);
        long sendSegments = ceilDiv(chunks.length(send), segment);
        long receiveSegments = ceilDiv(chunks.length(receive), segment);
        INDArray buffer = reduce ? scratch(flat.dataType(), segment) : null;
        for (long s = 0; s < Math.max(sendSegments, receiveSegments); s++) {
            boolean sends = s < sendSegments;
            boolean receives = s < receiveSegments;
            long receiveFrom = chunks.start(receive) + s * segment;
            long receiveLength = receives ? Math.min(segment, chunks.end(receive) - receiveFrom) : 0;
            ByteBuffer in = !receives ? null
                    : reduce ? VectorBytes.of(buffer, 0, receiveLength)
                    : VectorBytes.of(flat, receiveFrom, receiveFrom + receiveLength);
            long sendFrom = chunks.start(send) + s * segment;
            ByteBuffer out = sends ? VectorBytes.of(flat, sendFrom, Math.min(chunks.end(send), sendFrom + segment)) : null;
            transport.exchange(sends ? next : Transport.NONE, out, receives ? previous : Transport.NONE, in, tag);
            if (receives && reduce) {
                flat.get(NDArrayIndex.interval(receiveFrom, receiveFrom + receiveLength))
                        .addi(buffer.get(NDArrayIndex.interval(0, receiveLength)));
            }
        }
    }

    private ByteBuffer segmentBytes(INDArray flat, long from, long segment) {
        return VectorBytes.of(flat, Math.min(from, flat.length()), Math.min(flat.length(), from + segment));
    }

    private long segmentElements(INDArray flat) {
        return Math.max(1, segmentBytes / flat.dataType().width());
    }

    private INDArray scratch(DataType type, long elements) {
        if (scratch == null || scratch.dataType() != type || scratch.length() < elements) {
            releaseScratch();
            scratch = Nd4j.createUninitialized(type, elements);
        }
        return scratch;
    }

    private void releaseScratch() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        releaseScratch();
        if (ownsTransport) {
            transport.close();
        }
    }

    /** The split of a vector of {@code length} elements into {@code parts} contiguous chunks differing by at most one. */
    private record Chunks(long length, int parts) {
        long start(int chunk) {
            long base = length / parts;
            long extra = length % parts;
            return chunk * base + Math.min(chunk, extra);
        }

        long end(int chunk) {
            return start(chunk + 1);
        }

        long length(int chunk) {
            return end(chunk) - start(chunk);
        }
    }
}
