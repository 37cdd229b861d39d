package org.sparkdistill.gradients.collective;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A transport that dies, as a crashed process would, at the first exchange for which its condition holds: it closes
 * its connections, so its peers fail at once, and throws. Later exchanges fail on the closed transport.
 */
public final class DyingTransport implements Transport {
    private final Transport inner;
    private final BooleanSupplier diesNow;
    private volatile CollectiveException death;

    /** Dies at the first exchange for which {@code diesNow}, asked on the exchanging thread, is true. */
    public DyingTransport(Transport inner, BooleanSupplier diesNow) {
        this.inner = inner;
        this.diesNow = diesNow;
    }

    /** Dies after {@code exchanges} exchanges have gone through. */
    public static DyingTransport afterExchanges(Transport inner, int exchanges) {
        int[] left = {exchanges};
        return new DyingTransport(inner, () -> left[0]-- == 0);
    }

    /** The failure it threw when it died, or null while it lives. */
    public CollectiveException death() {
        return death;
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void exchange(int to, ByteBuffer out, int from, ByteBuffer in, int tag) {
        if (death == null && diesNow.getAsBoolean()) {
            inner.close();
            death = new CollectiveException("rank " + rank() + " died");
            throw death;
        }
        inner.exchange(to, out, from, in, tag);
    }

    @Override
    public KeepAlive keepAlive(String activity) {
        return inner.keepAlive(activity);
    }

    @Override
    public void close() {
        inner.close();
    }
}
