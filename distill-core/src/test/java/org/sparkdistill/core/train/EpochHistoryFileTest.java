package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

class EpochHistoryFileTest {
    static final List<EpochMetrics> HISTORY = List.of(
            new EpochMetrics(1, 7, 0.75, 0.5, Double.NaN, Double.NaN, 0.125, 1.5),
            new EpochMetrics(2, 14, 0.5, 0.625, 0.875, 0.0625, 0.03125, 3.0)
                    .withCommunication(new CommunicationMetrics(7, 0.1, 0.2, 0.3, 0.4, Double.NaN, 0.05, 0.06, 0.07,
                            0.8, 1e9, "[0|1-2]", 2, 0.01, 0.15))
                    .withPipeline(new PipelineMetrics(2, List.of(new StageTimes("decode", 7, 0.01, 0.0, 0.02),
                            new StageTimes("student", 7, 0.5, 0.03, 0.0)))));

    static byte[] bytes(List<EpochMetrics> history) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EpochHistoryFile.write(history, out);
        return out.toByteArray();
    }

    static List<EpochMetrics> read(byte[] bytes) {
        return EpochHistoryFile.read(new ByteArrayInputStream(bytes), "dir/history.bin");
    }

    @Test
    void everyFieldComesBackBitForBitNaNAndAbsentBlocksIncluded() throws IOException {
        assertEquals(HISTORY, read(bytes(HISTORY)));
        assertEquals(List.of(), read(bytes(List.of())));
    }

    @Test
    void aTruncatedFileIsReportedWithItsNameAtEveryCut() throws IOException {
        byte[] whole = bytes(HISTORY);
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> read(cut), "cut at " + length);
            assertTrue(e.getMessage().contains("dir/history.bin"), e.getMessage());
        }
    }

    @Test
    void trailingBytesAWrongHeaderAndAnImpossibleCountAreRefused() throws IOException {
        byte[] whole = bytes(HISTORY);
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertTrue(assertThrows(InvalidInputException.class, () -> read(longer)).getMessage().contains("goes on after"));
        byte[] header = whole.clone();
        header[0] ^= 1;
        assertTrue(assertThrows(InvalidInputException.class, () -> read(header)).getMessage().contains("header"));
        byte[] count = Arrays.copyOf(whole, 8);
        count[4] = (byte) 0x7f;
        assertTrue(assertThrows(InvalidInputException.class, () -> read(count)).getMessage()
                .contains("valid range [0, 100000]"));
    }
}
