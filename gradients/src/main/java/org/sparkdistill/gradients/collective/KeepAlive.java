package org.sparkdistill.gradients.collective;

/**
 * A scope in which a rank does long local work while its peers wait on it, opened by {@link Transport#keepAlive}.
 *
 * <p>Over TCP a daemon thread sends a heartbeat frame (its own tag, no payload) to every peer every quarter of the
 * I/O timeout. A waiting peer counts a heartbeat from any rank as progress, since in a ring the peer it waits on may
 * itself be waiting on the busy rank; a frozen process sends none, so it is still detected within the I/O timeout of
 * its last heartbeat. Closing the scope stops and joins the thread. Thread-safe.
 */
public interface KeepAlive extends AutoCloseable {
    /** A scope that sends nothing, for a rank without peers. */
    KeepAlive NONE = () -> { };

    /** Stops telling the peers this rank is alive; returns once no heartbeat is being sent. Idempotent. */
    @Override
    void close();
}
