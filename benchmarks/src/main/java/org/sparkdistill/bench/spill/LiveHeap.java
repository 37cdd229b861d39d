package org.sparkdistill.bench.spill;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The largest live heap over a phase of the run: the heap in use right after a full collection, whenever one runs, and
 * every {@code period} while {@link #sampling} is on.
 *
 * <p>After a young collection the heap still holds the garbage that was promoted to the old generation before, which
 * on 600,000 rows came to about 90 MiB in both runs; only a full collection leaves nothing but what is reachable. The
 * JVM reports every collection through the collectors' notifications; the peak is the largest sum of the heap pools'
 * usage after a full one (G1's "end of major GC", whether the JVM started it or {@link System#gc()} did). A sample
 * stops the world for as long as the live heap takes to trace, so runs that are timed should not be sampled.
 * Thread-safe; {@link #close()} stops sampling and listening.
 */
final class LiveHeap implements AutoCloseable {
    private static final String FULL_COLLECTION = "end of major GC";

    private final AtomicLong peak = new AtomicLong();
    /** When the current phase started, in milliseconds of the JVM's uptime, as collections report their start. */
    private final AtomicLong phaseStart = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "live-heap-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                    (CompositeData) notification.getUserData());
            // Notifications arrive late, on a thread of their own: one of the phase before must not count in this one.
            if (FULL_COLLECTION.equals(info.getGcAction()) && info.getGcInfo().getStartTime() >= phaseStart.get()) {
                record(info.getGcInfo().getMemoryUsageAfterGc());
            }
        }
    };

    LiveHeap() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /** The heap in use after a full collection now. */
    long afterFullCollection() {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peak.accumulateAndGet(used, Math::max);
        return used;
    }

    /** Runs a full collection every {@code period} until the returned handle is closed. */
    AutoCloseable sampling(Duration period) {
        ScheduledFuture<?> samples = sampler.scheduleAtFixedRate(System::gc, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        return () -> samples.cancel(false);
    }

    /** The peak since the last call, which starts a new phase. */
    long takePeak() {
        phaseStart.set(ManagementFactory.getRuntimeMXBean().getUptime());
        return peak.getAndSet(0);
    }

    private void record(Map<String, MemoryUsage> afterGc) {
        long used = afterGc.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
        peak.accumulateAndGet(used, Math::max);
    }

    @Override
    public void close() throws Exception {
        sampler.shutdownNow();
        sampler.awaitTermination(1, TimeUnit.MINUTES);
        for (NotificationEmitter emitter : emitters) {
            emitter.removeNotificationListener(listener);
        }
    }
}
