package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

class EpochHistoryFileTest {
    static final List<EpochMetrics> HISTORY = List.of(
            new EpochMetrics(1, 7, 0.75, 0.5, Double.NaN, Double.NaN, 0.125, 1.5),
            new EpochMetrics(2, 14, 0.5, 0.625, 0.875, 0.0625, 0.03125, 3.0)
                    .withCommunication(new CommunicationMetrics(7, 0.1, 0.2, 0.3, 0.4, Double.NaN, 0.05, 0.06, 0.07,
                            0.8, 1e9, "[0|1-2]", 2, 0.01, 0.15).withTraffic(1234.0, 56.0))
                    .withPipeline(new PipelineMetrics(2, List.of(new StageTimes("decode", 7, 0.01, 0.0, 0.02),
                            new StageTimes("student", 7, 0.5, 0.03, 0.0)))),
            new EpochMetrics(3, 21, 0.25, 0.0, 0.0, 0.0, 0.0, 4.5)
                    .withPeers(1, List.of(new PeerMetrics(0, 0.5, Double.NaN, Double.NaN, 0.25),
                            new PeerMetrics(1, 0.75, 0.5, 0.125, 0.0625))));

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
    void theFormatIsTheGoldenFilesBitForBit() throws IOException {
        assertArrayEquals(golden("golden-history-v2.bin"), bytes(HISTORY));
    }

    @Test
    void aVersionOneFileWrittenBeforePeersIsStillReadWithoutPeers() throws IOException {
        EpochMetrics second = HISTORY.get(1);
        // Version 1 has no byte counts: they come back as not counted.
        assertEquals(List.of(HISTORY.get(0), second.withCommunication(second.communication().withTraffic(Double.NaN,
                Double.NaN))), read(golden("golden-history-v1.bin")));
    }

    @Test
    void aPeersBlockThatKeepsAMissingPeerIsRefused() throws IOException {
        byte[] whole = bytes(HISTORY.subList(2, 3));
        // The kept peer is the int before the peer count and the two peer entries that end the file.
        int kept = whole.length - 2 * (4 + 4 * 8) - 8;
        whole[kept + 3] = 7;
        assertTrue(assertThrows(InvalidInputException.class, () -> read(whole)).getMessage()
                .contains("keeps peer 7, which is not among its 2 peers"));
    }

    static byte[] golden(String name) throws IOException {
        try (InputStream in = EpochHistoryFileTest.class.getResourceAsStream("/checkpoint/" + name)) {
            return in.readAllBytes();
        }
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
