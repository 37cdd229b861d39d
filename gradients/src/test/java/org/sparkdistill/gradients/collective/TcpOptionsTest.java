package org.sparkdistill.gradients.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void aHandshakeTimeoutThatIsNotPositiveIsRefusedByName() {
        assertEquals("handshakeTimeout must be a positive duration, got PT0S", assertThrows(
                IllegalArgumentException.class, () -> new TcpOptions(MINUTE, Duration.ZERO, MINUTE, 1)).getMessage());
        assertEquals("handshakeTimeout must be a positive duration, got null", assertThrows(
                IllegalArgumentException.class, () -> new TcpOptions(MINUTE, null, MINUTE, 1)).getMessage());
    }

    @Test
    void timeoutsAreDescribedWithTheSettingThatControlsThem() {
        TcpOptions options = new TcpOptions(MINUTE, Duration.ofMillis(1500), Duration.ofSeconds(60), 1, "training.");
        assertEquals("60 s (training.ioTimeout)", options.describeIoTimeout());
        assertEquals("1500 ms (training.handshakeTimeout)", options.describeHandshakeTimeout());
        assertEquals("2 s (ioTimeout)", new TcpOptions(MINUTE, MINUTE, Duration.ofSeconds(2), 1).describeIoTimeout());
    }

    @Test
    void aMissingSettingPrefixIsRefused() {
        assertEquals("settingPrefix must be a string, got null", assertThrows(IllegalArgumentException.class,
                () -> new TcpOptions(MINUTE, MINUTE, MINUTE, 1, null)).getMessage());
    }
}
