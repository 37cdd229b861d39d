package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 * same length and type (FLOAT or DOUBLE). Partial sums are added in Java over the vectors' own memory,
 * because an ND4J operation on a view costs far more than adding a segment. Not thread-safe;
 * {@link #close()} closes the transport of the communicator that owns it.
 */
public final class Communicator implements AutoCloseable {
    /** Segment size used when none is given: 256 KiB, the fastest of 128 KiB to 4 MiB over loopback TCP. */
    public static final int DEFAULT_SEGMENT_BYTES = 256 << 10;

    private final Transport transport;
    private final int[] members;
    private final int index;
    private final int segmentBytes;
    private final boolean ownsTransport;
    private final LongAdder sent = new LongAdder();
    private ByteBuffer scratch;

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
        ByteBuffer bytes = VectorBytes.whole(vector, "the all-reduce vector");
        int n = members.length;
        if (n == 1 || vector.length() == 0) {
            return;
        }
        int width = vector.dataType().width();
        Chunks chunks = new Chunks(vector.length(), n);
        for (int step = 0; step < n - 1; step++) {
            exchangeChunks(bytes, width, chunks, Math.floorMod(index - step, n), Math.floorMod(index - step - 1, n),
                    true, Tags.ALL_REDUCE);
        }
        for (int step = 0; step < n - 1; step++) {
            exchangeChunks(bytes, width, chunks, Math.floorMod(index - step + 1, n), Math.floorMod(index - step, n),
                    false, Tags.ALL_REDUCE);
        }
    }

    /** Replaces {@code vector} on every rank by the element-wise mean over all ranks (sum, then scale). */
    public void allReduceMean(INDArray vector) {
        allReduceSum(vector);
        if (members.length > 1 && vector.length() > 0) {
            vector.divi(members.length);
        }
    }

    /** Copies {@code vector} from rank {@code root} to every rank, along a pipelined chain. */
    public void broadcast(INDArray vector, int root) {
        ByteBuffer bytes = VectorBytes.whole(vector, "the broadcast vector");
        int n = members.length;
        if (root < 0 || root >= n) {
            throw new IllegalArgumentException("broadcast root must be in [0, " + n + "), got " + root);
        }
        if (n == 1 || vector.length() == 0) {
            return;
        }
        int position = Math.floorMod(index - root, n);
        int next = members[Math.floorMod(index + 1, n)];
        int previous = members[Math.floorMod(index - 1, n)];
        int segment = segmentBytes(vector.dataType().width());
        long segments = ceilDiv(bytes.capacity(), segment);
        for (long step = 0; step <= segments; step++) {
            long sent = position == 0 ? step : step - 1;
            boolean sends = position < n - 1 && sent >= 0 && sent < segments;
            boolean receives = position > 0 && step < segments;
            exchange(sends ? next : Transport.NONE, sends ? slice(bytes, sent * segment, segment) : null,
                    receives ? previous : Transport.NONE, receives ? slice(bytes, step * segment, segment) : null,
                    Tags.BROADCAST);
        }
    }

    /**
     * Gathers every rank's {@code local} vector into {@code gathered}, ordered by rank, on every rank.
     * {@code gathered} holds size × local.length() elements of the same type.
     */
    public void allGather(INDArray local, INDArray gathered) {
        ByteBuffer mine = VectorBytes.whole(local, "the all-gather input");
        ByteBuffer all = VectorBytes.whole(gathered, "the all-gather output");
        int n = members.length;
        if (all.capacity() != (long) mine.capacity() * n || gathered.dataType() != local.dataType()) {
            throw new IllegalArgumentException("the all-gather output must hold " + n + " × " + local.length() + " "
                    + local.dataType() + " elements, got " + gathered.length() + " " + gathered.dataType());
        }
        all.put(index * mine.capacity(), mine, 0, mine.capacity());
        if (n == 1 || mine.capacity() == 0) {
            return;
        }
        int width = local.dataType().width();
        Chunks blocks = new Chunks(gathered.length(), n);
        for (int step = 0; step < n - 1; step++) {
            exchangeChunks(all, width, blocks, Math.floorMod(index - step, n), Math.floorMod(index - step - 1, n), false,
                    Tags.ALL_GATHER);
        }
    }

    /** Returns only after every rank of the group has called it (a dissemination barrier). */
    public void barrier() {
        int n = members.length;
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int distance = 1; distance < n; distance *= 2) {
            exchange(members[Math.floorMod(index + distance, n)], empty.duplicate(),
                    members[Math.floorMod(index - distance, n)], empty.duplicate(), Tags.BARRIER);
        }
    }

    /**
     * Keeps the ranks waiting on this one from timing out while it does long local work outside the collectives,
     * until the returned scope closes; see {@link Transport#keepAlive}. Tells every rank of the transport, also those
     * outside this sub-group. May be called from any thread.
     *
     * @param activity what this rank is busy with, such as "evaluation"
     */
    public KeepAlive keepAlive(String activity) {
        return transport.keepAlive(activity);
    }

    /**
     * Sends chunk {@code send} to the successor while receiving chunk {@code receive} from the predecessor,
     * segment by segment; received segments are added into place when {@code reduce}, else stored in place.
     */
    private void exchangeChunks(ByteBuffer bytes, int width, Chunks chunks, int send, int receive, boolean reduce,
            int tag) {
        int n = members.length;
        int next = members[Math.floorMod(index + 1, n)];
        int previous = members[Math.floorMod(index - 1, n)];
        int segment = segmentBytes(width);
        long sendFrom = chunks.start(send) * width;
        long sendEnd = chunks.end(send) * width;
        long receiveFrom = chunks.start(receive) * width;
        long receiveEnd = chunks.end(receive) * width;
        long segments = Math.max(ceilDiv(sendEnd - sendFrom, segment), ceilDiv(receiveEnd - receiveFrom, segment));
        for (long s = 0; s < segments; s++) {
            long out = sendFrom + s * segment;
            long in = receiveFrom + s * segment;
            boolean sends = out < sendEnd;
            boolean receives = in < receiveEnd;
            ByteBuffer target = receives ? slice(bytes, in, Math.min(segment, receiveEnd - in)) : null;
            ByteBuffer incoming = receives && reduce ? scratch(target.remaining()) : target;
            exchange(sends ? next : Transport.NONE, sends ? slice(bytes, out, Math.min(segment, sendEnd - out)) : null,
                    receives ? previous : Transport.NONE, incoming, tag);
            if (receives && reduce) {
                VectorBytes.add(target, incoming.flip(), width == Double.BYTES);
            }
        }
    }

    /** One exchange through the transport, its sent bytes counted. */
    private void exchange(int to, ByteBuffer out, int from, ByteBuffer in, int tag) {
        if (out != null) {
            sent.add(out.remaining());
        }
        transport.exchange(to, out, from, in, tag);
    }

    /**
     * The payload bytes this rank has sent through this communicator's collectives so far (frame headers and
     * heartbeats not included); a sub-group counts its own. Safe to read from any thread.
     */
    public long bytesSent() {
        return sent.sum();
    }

    /** {@code length} bytes of {@code bytes} from {@code from}, clipped to its end, in native order. */
    private static ByteBuffer slice(ByteBuffer bytes, long from, long length) {
        int start = Math.toIntExact(Math.min(from, bytes.capacity()));
        int end = Math.toIntExact(Math.min(bytes.capacity(), from + length));
        return bytes.slice(start, end - start).order(ByteOrder.nativeOrder());
    }

    /** The segment size in bytes, a whole number of elements. */
    private int segmentBytes(int width) {
        return Math.max(width, segmentBytes / width * width);
    }

    /** A cleared direct buffer of {@code bytes} bytes, reused between calls. */
    private ByteBuffer scratch(int bytes) {
        if (scratch == null || scratch.capacity() < bytes) {
            scratch = ByteBuffer.allocateDirect(Math.max(bytes, segmentBytes)).order(ByteOrder.nativeOrder());
        }
        return scratch.clear().limit(bytes);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        scratch = null;
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
