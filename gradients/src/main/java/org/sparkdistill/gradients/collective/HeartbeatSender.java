package org.sparkdistill.gradients.collective;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The TCP transport's {@link KeepAlive}: a daemon thread that sends a heartbeat through every peer's {@link Outbox}
 * at once and then every interval, until closed.
 *
 * <p>A heartbeat that cannot be written (the peer closed, or the transport did) ends the heartbeats to that peer
 * only: the busy rank learns of the failure from its next exchange, as it would without the scope. Thread-safe.
 */
final class HeartbeatSender implements KeepAlive {
    private final List<Outbox> peers;
    private final Duration interval;
    private final Consumer<HeartbeatSender> onClose;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    /**
     * Starts sending.
     *
     * @param name the thread's name
     * @param onClose called once the thread has ended, to forget this scope
     */
    HeartbeatSender(String name, List<Outbox> peers, Duration interval, Consumer<HeartbeatSender> onClose) {
        this.peers = new ArrayList<>(peers);
        this.interval = interval;
        this.onClose = onClose;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            do {
                peers.removeIf(HeartbeatSender::failsToBeat);
            } while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            // only close() ends this thread; an interrupt from elsewhere ends it too, silently, as close() would
        }
    }

    private static boolean failsToBeat(Outbox peer) {
        try {
            peer.heartbeat();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        stop.countDown();
        boolean interrupted = false;
        // The thread ends promptly once stopped (its writes never block), so waiting for it cannot hang.
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        onClose.accept(this);
    }
}
