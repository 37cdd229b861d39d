package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkdistill.core.metrics.StageTimes;

class PipelineTest {
    private static final String[] STAGES = {"decode", "batch", "teacher"};

    /** Names of this class's pipeline threads still alive. */
    static List<String> livePipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("spark-distill-pipeline-")).toList();
    }

    @AfterEach
    void noThreadOutlivesItsPipeline() {
        assertEquals(List.of(), livePipelineThreads());
    }

    private static Iterator<Integer> numbers(int count) {
        return IntStream.range(0, count).iterator();
    }

    private static Pipeline<String> threeStages(Iterator<Integer> source, int depth, int failingStage, int failingItem) {
        return Pipeline.from(source)
                .then(STAGES[0], (Integer i) -> fail(0, failingStage, i, failingItem, i * 10))
                .then(STAGES[1], (Integer i) -> fail(1, failingStage, i / 10, failingItem, i + 1))
                .then(STAGES[2], (Integer i) -> fail(2, failingStage, (i - 1) / 10, failingItem, "item " + i))
                .start(depth, "student");
    }

    private static <T> T fail(int stage, int failingStage, int item, int failingItem, T result) {
        if (stage == failingStage && item == failingItem) {
            throw new IllegalStateException("injected failure in stage " + stage);
        }
        return result;
    }

    private static List<String> drain(Pipeline<String> pipeline) {
        List<String> out = new ArrayList<>();
        for (String item = pipeline.next(); item != null; item = pipeline.next()) {
            out.add(item);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5})
    void itemsArriveInOrderThroughEveryStage(int depth) {
        try (Pipeline<String> pipeline = threeStages(numbers(50), depth, -1, -1)) {
            List<String> expected = IntStream.range(0, 50).mapToObj(i -> "item " + (i * 10 + 1)).toList();
            assertEquals(expected, drain(pipeline));
            assertNull(pipeline.next(), "an exhausted pipeline keeps answering null");
            List<StageTimes> times = pipeline.times();
            assertEquals(List.of("decode", "batch", "teacher", "student"), times.stream().map(StageTimes::stage).toList());
            times.forEach(t -> assertEquals(50, t.items(), t.stage()));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aFailureInAnyStageSurfacesWithTheStageAndItemNamedAndStopsEveryThread(int depth) {
        for (int stage = 0; stage < STAGES.length; stage++) {
            Pipeline<String> pipeline = threeStages(numbers(40), depth, stage, 17);
            List<String> got = new ArrayList<>();
            PipelineException e = assertThrows(PipelineException.class, () -> {
                for (String item = pipeline.next(); item != null; item = pipeline.next()) {
                    got.add(item);
                }
            });
            pipeline.close();
            assertEquals(STAGES[stage], e.stage());
            assertTrue(e.getMessage().contains("pipeline stage '" + STAGES[stage] + "' failed on"), e.getMessage());
            assertTrue(e.getMessage().contains("injected failure in stage " + stage), e.getMessage());
            assertTrue(got.size() <= 17, "no item after the failing one arrives: " + got.size());
            assertEquals(List.of(), livePipelineThreads());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void aFailingSourceIsReportedAsTheFirstStages(int depth) {
        Iterator<Integer> broken = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 3) {
                    throw new IllegalStateException("source broke");
                }
                return next++;
            }
        };
        try (Pipeline<String> pipeline = threeStages(broken, depth, -1, -1)) {
            PipelineException e = assertThrows(PipelineException.class, () -> drain(pipeline));
            assertTrue(e.getMessage().contains("source broke"), e.getMessage());
            if (depth > 0) {
                assertEquals("decode", e.stage());
            }
        }
    }

    @Test
    void aStageThatReturnsNothingIsAnError() {
        try (Pipeline<Object> pipeline = Pipeline.from(numbers(3)).then("decode", i -> null).start(2, "student")) {
            PipelineException e = assertThrows(PipelineException.class, pipeline::next);
            assertTrue(e.getMessage().contains("'decode' returned nothing for 0"), e.getMessage());
        }
    }

    @Test
    void backPressureKeepsTheSourceABoundedDistanceAhead() {
        int depth = 2;
        AtomicInteger pulled = new AtomicInteger();
        Iterator<Integer> counted = new Iterator<>() {
            private final Iterator<Integer> inner = numbers(200);

            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public Integer next() {
                pulled.incrementAndGet();
                return inner.next();
            }
        };
        // Each stage holds one item in hand and its queue holds depth more; the consumer holds the one it took.
        int bound = STAGES.length * (depth + 1) + 1;
        try (Pipeline<String> pipeline = threeStages(counted, depth, -1, -1)) {
            int consumed = 0;
            while (pipeline.next() != null) {
                consumed++;
                assertTrue(pulled.get() - consumed <= bound, pulled.get() + " pulled, " + consumed + " consumed");
            }
            assertEquals(200, consumed);
        }
    }

    @Test
    void closingEarlyStopsStagesBlockedOnAFullQueue() {
        Pipeline<String> pipeline = threeStages(numbers(1_000), 1, -1, -1);
        assertEquals("item 1", pipeline.next());
        pipeline.close();
        pipeline.close();
        assertEquals(List.of(), livePipelineThreads());
        assertThrows(IllegalStateException.class, pipeline::next);
    }

    /**
     * {@code close()} is called while the decode stage is provably inside its work on item 0, and the stage is let go
     * only once {@code close()} has stopped the queues and is waiting for the threads: the teacher stage's thread,
     * which waits for decode's first item, can end only because {@code close()} stopped the queues, and the closing
     * thread must then be waiting (in its join) rather than returned. What {@code close()} promises: the stage
     * finishes the item it is in, no stage starts another, the result goes nowhere, and no thread is left when it
     * returns.
     */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void closingWaitsForAStageInTheMiddleOfItsWorkToFinishIt() throws InterruptedException {
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> started = new CopyOnWriteArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        List<Integer> passedOn = new CopyOnWriteArrayList<>();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Pipeline<Integer> pipeline = Pipeline.from(numbers(5)).then("decode", (Integer i) -> {
            started.add(i);
            working.countDown();
            release.await();
            finished.incrementAndGet();
            return i;
        }).then("teacher", (Integer i) -> {
            passedOn.add(i);
            return i;
        }).start(2, "student");
        Thread teacher = newThread("spark-distill-pipeline-teacher", before);
        working.await();

        AtomicInteger finishedWhenClosed = new AtomicInteger(-1);
        AtomicReference<List<String>> aliveWhenClosed = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            pipeline.close();
            finishedWhenClosed.set(finished.get());
            aliveWhenClosed.set(livePipelineThreads());
        }, "closer");
        closer.start();
        teacher.join();
        // close() has stopped the queues; it now either waits for the decode thread (timed join) or has returned.
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        boolean returnedWhileDecodeWorked = closer.getState() == Thread.State.TERMINATED;
        release.countDown();
        closer.join();

        assertFalse(returnedWhileDecodeWorked, "close() returned before stage 'decode', inside its work on item 0, was"
                + " let go to finish it; items it had finished by then: " + finishedWhenClosed.get());
        assertEquals(1, finishedWhenClosed.get(), "stage 'decode' finished its item before close() returned");
        assertEquals(List.of(), aliveWhenClosed.get(), "pipeline threads alive when close() returned");
        assertEquals(List.of(0), started, "items stage 'decode' started");
        assertEquals(List.of(), passedOn, "items that reached stage 'teacher' after close()");
        assertThrows(IllegalStateException.class, pipeline::next);
    }

    /** The live thread named {@code name} that is not among {@code before}. */
    private static Thread newThread(String name, Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(name) && !before.contains(t)).findFirst()
                .orElseThrow(() -> new AssertionError("no new live thread named " + name));
    }

    @Test
    void anInterruptedConsumerGetsAnErrorAndTheStagesStop() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Pipeline<Integer> pipeline = Pipeline.from(numbers(5)).then("teacher", (Integer i) -> {
            never.await();
            return i;
        }).start(1, "student");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                pipeline.next();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        consumer.start();
        while (consumer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        consumer.interrupt();
        consumer.join();
        assertTrue(thrown.get() instanceof PipelineException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("interrupted while waiting for the next item from stage 'teacher'"),
                thrown.get().getMessage());
        never.countDown();
        pipeline.close();
        assertEquals(List.of(), livePipelineThreads());
    }

    @Test
    void stagesRunOnTheirOwnThreadsOnlyWhenTheDepthIsAboveZero() {
        Thread consumer = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (Pipeline<Integer> inline = Pipeline.from(numbers(1)).then("decode", i -> {
            ranOn.set(Thread.currentThread());
            return i;
        }).start(0, "student")) {
            inline.next();
            assertSame(consumer, ranOn.get());
        }
        try (Pipeline<Integer> threaded = Pipeline.from(numbers(1)).then("decode", i -> {
            ranOn.set(Thread.currentThread());
            return i;
        }).start(1, "student")) {
            threaded.next();
            assertEquals("spark-distill-pipeline-decode", ranOn.get().getName());
        }
    }

    @Test
    void refusesANegativeDepthAndAThreadedPipelineWithoutStages() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.from(numbers(1)).then("decode", i -> i).start(-1, "student"));
        assertTrue(negative.getMessage().contains("pipeline depth = -1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pipeline.from(numbers(1)).start(2, "student"));
    }

    @Test
    void anEmptySourceEndsAtOnce() {
        for (int depth : new int[] {0, 2}) {
            try (Pipeline<String> pipeline = threeStages(numbers(0), depth, -1, -1)) {
                assertNull(pipeline.next());
                assertEquals(0, pipeline.times().get(3).items());
            }
        }
    }
}
