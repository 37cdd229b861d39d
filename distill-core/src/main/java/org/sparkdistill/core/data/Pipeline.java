package org.sparkdistill.core.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * A chain of stages that prepares items ahead of their consumer: with depth d &gt; 0 every stage runs on a thread of
 * its own and passes items on through a queue of d items, so the stages work on later items while the consumer works
 * on the current one; with depth 0 the consumer's {@link #next()} runs every stage itself, in order.
 *
 * <p>A full queue holds its stage back (back-pressure). The first stage to fail stops all the others, and the
 * consumer's next {@link #next()} throws a {@link PipelineException} naming that stage and the item it was working
 * on. {@link #close()} stops the stages and waits for their threads to end; each thread frees its ND4J workspaces as
 * it ends. Each stage measures its busy time and its stalls: waiting for input and waiting for room downstream; the
 * consumer's input stall is the time it waited in {@link #next()}.
 *
 * <p>Items pass from thread to thread through the queues, which publish them safely. The consumer's methods must be
 * called from one thread.
 */
public final class Pipeline<T> implements AutoCloseable {
    private static final Object END = new Object();
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

    private final Iterator<?> source;
    private final List<Step> steps;
    private final StageClock consumer;
    private final List<Thread> threads = new ArrayList<>();
    private final List<HandOff> queues = new ArrayList<>();
    private final AtomicReference<PipelineException> failure = new AtomicReference<>();
    private long lastReturned;
    private boolean finished;
    private boolean closed;

    private Pipeline(Iterator<?> source, List<Step> steps, String consumerName, int depth) {
        this.source = source;
        this.steps = List.copyOf(steps);
        this.consumer = new StageClock(consumerName);
        if (depth > 0) {
            startThreads(depth);
        }
    }

    /** The start of a pipeline whose first stage takes its items from {@code source}. */
    public static <S> Builder<S> from(Iterator<S> source) {
        return new Builder<>(source, List.of());
    }

    /** Adds stages to a pipeline, then starts it. */
    public static final class Builder<I> {
        private final Iterator<?> source;
        private final List<Step> steps;

        private Builder(Iterator<?> source, List<Step> steps) {
            this.source = source;
            this.steps = steps;
        }

        /** Adds a stage after the ones added so far. */
        @SuppressWarnings("unchecked")
        public <O> Builder<O> then(String name, Stage<? super I, ? extends O> stage) {
            List<Step> more = new ArrayList<>(steps);
            more.add(new Step(new StageClock(name), (Stage<Object, Object>) stage));
            return new Builder<>(source, more);
        }

        /**
         * Starts the stages: on threads of their own with queues of {@code depth} items, or inline when {@code depth}
         * is 0.
         *
         * @param consumerName the name under which the consumer's time is reported, such as {@code student}
         */
        public Pipeline<I> start(int depth, String consumerName) {
            if (depth < 0) {
                throw new IllegalArgumentException("pipeline depth = " + depth + ": must be >= 0 (0 runs the stages "
                        + "inline)");
            }
            return new Pipeline<>(source, steps, consumerName, depth);
        }
    }

    private record Step(StageClock clock, Stage<Object, Object> stage) {}

    /**
     * The next item, or null once the source is exhausted.
     *
     * @throws PipelineException when a stage failed, naming it, or when the calling thread is interrupted while it
     *     waits
     */
    @SuppressWarnings("unchecked")
    public T next() {
        if (closed) {
            throw new IllegalStateException("the pipeline is closed");
        }
        if (finished) {
            return null;
        }
        long called = System.nanoTime();
        if (lastReturned != 0) {
            consumer.busy(called - lastReturned);
        }
        Object item = threads.isEmpty() ? inline() : fromLastQueue();
        long returned = System.nanoTime();
        consumer.inputStall(returned - called);
        lastReturned = returned;
        if (item == END) {
            finished = true;
            lastReturned = 0;
            return null;
        }
        return (T) item;
    }

    /** Per stage, then the consumer: items, busy time and stalls so far. */
    public List<StageTimes> times() {
        List<StageTimes> times = new ArrayList<>();
        for (Step step : steps) {
            times.add(step.clock().snapshot());
        }
        times.add(consumer.snapshot());
        return times;
    }

    /**
     * Stops every stage and waits for their threads to end, so nothing is left running; a stage in the middle of an
     * item finishes it first. Idempotent; called on an interrupted thread, it still waits, then keeps the interrupt.
     *
     * @throws IllegalStateException naming the threads that did not end within a minute
     */
    @Override
    public void close() {
        closed = true;
        stop();
        boolean interrupted = Thread.interrupted();
        List<String> stuck = new ArrayList<>();
        for (Thread thread : threads) {
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            while (thread.isAlive() && System.nanoTime() < deadline) {
                try {
                    thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (thread.isAlive()) {
                stuck.add(thread.getName());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("pipeline threads " + stuck + " did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s of being told to");
        }
    }

    /** Tells every stage to stop, without waiting for them. */
    private void stop() {
        queues.forEach(HandOff::abort);
    }

    private Object inline() {
        Object item;
        try {
            if (!source.hasNext()) {
                return END;
            }
            item = source.next();
        } catch (RuntimeException | Error e) {
            String stage = steps.isEmpty() ? consumer.name() : steps.get(0).clock().name();
            throw new PipelineException(stage, "pipeline stage '" + stage + "' failed reading its input: " + e, e);
        }
        for (Step step : steps) {
            item = runStage(step, item);
        }
        return item;
    }

    private Object fromLastQueue() {
        try {
            return queues.get(queues.size() - 1).take();
        } catch (HandOff.Stopped stopped) {
            throw failureOr("the pipeline was stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new PipelineException(consumer.name(), "interrupted while waiting for the next item from stage '"
                    + steps.get(steps.size() - 1).clock().name() + "'", e);
        }
    }

    private PipelineException failureOr(String otherwise) {
        PipelineException failed = failure.get();
        return failed != null ? failed : new PipelineException(consumer.name(), otherwise, null);
    }

    private Object runStage(Step step, Object item) {
        long started = System.nanoTime();
        Object result;
        try {
            result = step.stage().process(item);
        } catch (Exception | Error e) {
            throw new PipelineException(step.clock().name(), "pipeline stage '" + step.clock().name() + "' failed on "
                    + item + ": " + e, e);
        }
        step.clock().busy(System.nanoTime() - started);
        if (result == null) {
            throw new PipelineException(step.clock().name(), "pipeline stage '" + step.clock().name()
                    + "' returned nothing for " + item, null);
        }
        return result;
    }

    private void startThreads(int depth) {
        for (int i = 0; i < steps.size(); i++) {
            queues.add(new HandOff(depth));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a pipeline with depth > 0 needs at least one stage");
        }
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            HandOff input = i == 0 ? null : queues.get(i - 1);
            HandOff output = queues.get(i);
            Thread thread = new Thread(() -> runThread(step, input, output),
                    "spark-distill-pipeline-" + step.clock().name());
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void runThread(Step step, HandOff input, HandOff output) {
        try {
            while (true) {
                long waiting = System.nanoTime();
                Object item = input == null ? (source.hasNext() ? source.next() : END) : input.take();
                long got = System.nanoTime();
                step.clock().inputStall(got - waiting);
                Object result = item == END ? END : runStage(step, item);
                long done = System.nanoTime();
                output.put(result);
                step.clock().outputStall(System.nanoTime() - done);
                if (result == END) {
                    return;
                }
            }
        } catch (HandOff.Stopped | InterruptedException stopped) {
            // closed, or another stage failed and stopped the rest
        } catch (PipelineException e) {
            stopAll(e);
        } catch (RuntimeException | Error e) {
            stopAll(new PipelineException(step.clock().name(), "pipeline stage '" + step.clock().name()
                    + "' failed reading its input: " + e, e));
        } finally {
            NetworkMemory.releaseThreadWorkspaces();
        }
    }

    private void stopAll(PipelineException e) {
        if (failure.compareAndSet(null, e)) {
            stop();
        }
    }
}
