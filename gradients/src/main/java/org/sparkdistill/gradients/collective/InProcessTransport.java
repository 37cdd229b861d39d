package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport between threads of one JVM, for tests of the collectives: frames are copied through
 * queues, with the same tag, length, limit and timeout checks as the TCP transport.
 *
 * <p>A receive fails once the timeout has passed without a frame while no rank of the group was inside a
 * {@link #keepAlive} scope: the in-process counterpart of TCP's heartbeats, which need no thread because a rank of
 * this transport cannot freeze while its scope stays open.
 *
 * <p>Not thread-safe: each rank's transport is driven by one thread; {@link #keepAlive} may be called from any.
 */
public final class InProcessTransport implements Transport {
    private static final Frame CLOSED = new Frame(0, null);

    private final int rank;
    private final List<List<BlockingQueue<Frame>>> queues;
    private final BusyRanks busyRanks;
    private final Duration timeout;
    private final int maxFrameBytes;
    private volatile boolean closed;

    private InProcessTransport(int rank, List<List<BlockingQueue<Frame>>> queues, BusyRanks busyRanks, Duration timeout,
            int maxFrameBytes) {
        this.rank = rank;
        this.queues = queues;
        this.busyRanks = busyRanks;
        this.timeout = timeout;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** A connected group of {@code size} ranks; element r is rank r's transport. */
    public static List<Transport> group(int size, Duration timeout, int maxFrameBytes) {
        if (size < 1) {
            throw new IllegalArgumentException("group size must be at least 1, got " + size);
        }
        List<List<BlockingQueue<Frame>>> queues = new ArrayList<>();
        for (int from = 0; from < size; from++) {
            List<BlockingQueue<Frame>> row = new ArrayList<>();
            for (int to = 0; to < size; to++) {
                row.add(new LinkedBlockingQueue<>());
            }
            queues.add(row);
        }
        BusyRanks busyRanks = new BusyRanks();
        List<Transport> transports = new ArrayList<>();
        for (int rank = 0; rank < size; rank++) {
            transports.add(new InProcessTransport(rank, queues, busyRanks, timeout, maxFrameBytes));
        }
        return List.copyOf(transports);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return queues.size();
    }

    @Override
    public void exchange(int to, ByteBuffer out, int from, ByteBuffer in, int tag) {
        if (closed) {
            throw new CollectiveException("rank " + rank + ": the transport is closed");
        }
        try {
            if (to != NONE) {
                FrameCheck.requireSendable(rank, to, out.remaining(), maxFrameBytes);
                byte[] bytes = new byte[out.remaining()];
                out.get(bytes);
                queues.get(rank).get(to).add(new Frame(tag, bytes));
            }
            if (from != NONE) {
                Frame frame = take(from);
                if (frame == CLOSED) {
                    throw new CollectiveException("rank " + rank + ": rank " + from
                            + " closed the connection while this rank waited for a frame");
                }
                FrameCheck.accept(rank, from, frame.tag, frame.bytes.length, tag, in.remaining(), maxFrameBytes);
                in.put(frame.bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new CollectiveException("rank " + rank + ": interrupted while exchanging frames", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The next frame from {@code from}, waiting while frames arrive or some rank keeps the group alive. */
    private Frame take(int from) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = queues.get(from).get(rank).poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame != null) {
                return frame;
            }
            deadline = busyRanks.aliveUntil(timeout);
            if (System.nanoTime() >= deadline) {
                throw new CollectiveException("rank " + rank + ": no frame from rank " + from + " within "
                        + timeout.toMillis() + " ms");
            }
        }
    }

    @Override
    public KeepAlive keepAlive(String activity) {
        if (closed) {
            throw new CollectiveException("rank " + rank + ": the transport is closed");
        }
        return busyRanks.begin();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int to = 0; to < size(); to++) {
            queues.get(rank).get(to).add(CLOSED);
        }
    }

    private record Frame(int tag, byte[] bytes) {
    }

    /** Which ranks of a group are inside a keep-alive scope, and when the last one left. Thread-safe. */
    private static final class BusyRanks {
        private int busy;
        private long lastBusyNanos = Long.MIN_VALUE / 2;

        synchronized KeepAlive begin() {
            busy++;
            AtomicBoolean open = new AtomicBoolean(true);
            return () -> {
                if (open.getAndSet(false)) {
                    end();
                }
            };
        }

        private synchronized void end() {
            busy--;
            lastBusyNanos = System.nanoTime();
        }

        /** Until when a receiver waits without a frame: a timeout from now while a rank is busy, else from the last. */
        synchronized long aliveUntil(Duration timeout) {
            return (busy > 0 ? System.nanoTime() : lastBusyNanos) + timeout.toNanos();
        }
    }
}
