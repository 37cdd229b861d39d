package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    private final List<String> printed = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void eachReportWithNewStepsPrintsTheirMeanLossTheRateAndTheTimeLeftThenTheNewEpochs() {
        // 4 epochs of 100 steps, 2 workers × 32 examples a step.
        ProgressPrinter printer = new ProgressPrinter(null, 0, 4, 64, printed::add, nanos::get);
        printer.seen(10, 400, 5.0, List.of());
        printer.report();
        nanos.set(10_000_000_000L);
        printer.seen(110, 0, 25.0, List.of("epoch 1 done"));
        printer.report();
        printer.report();

        assertEquals(List.of("progress: epoch 1/4, step 10/400 (2.5%), loss 0.5000",
                "progress: epoch 2/4, step 110/400 (27.5%), 640 examples/s, loss 0.2000, ETA 29s",
                "epoch 1 done"), printed);
    }

    @Test
    void aResumedAttemptCountsFromItsCheckpoint() {
        ProgressPrinter printer = new ProgressPrinter(null, 200, 4, 64, printed::add, nanos::get);
        printer.seen(100, 400, 10.0, List.of());
        printer.report();
        assertEquals(List.of("progress: epoch 3/4, step 300/400 (75.0%), loss 0.1000"), printed);
    }

    @Test
    void durationsReadAsHoursMinutesAndSeconds() {
        assertEquals("12s", ProgressPrinter.duration(12.4));
        assertEquals("4m 05s", ProgressPrinter.duration(245));
        assertEquals("1h 02m", ProgressPrinter.duration(3725));
    }
}
