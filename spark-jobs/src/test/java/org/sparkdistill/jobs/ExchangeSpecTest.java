package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sparkdistill.gradients.collective.TcpOptions;
import org.sparkdistill.jobs.config.TrainingConfig;

/** The configured timeouts reach the replicas' transport, named by their configuration keys. */
class ExchangeSpecTest {
    @Test
    void theTransportTakesTheConfiguredTimeoutsAndNamesThemByTheirKeys() {
        TcpOptions transport = new ExchangeSpec("fused", 10, 7, 13).transport();
        assertEquals(Duration.ofSeconds(7), transport.handshakeTimeout());
        assertEquals(Duration.ofSeconds(13), transport.ioTimeout());
        assertEquals("training.", transport.settingPrefix());
    }

    @Test
    void theDefaultTakesTheConfigurationsDefaults() {
        TcpOptions transport = ExchangeSpec.DEFAULT.transport();
        assertEquals(Duration.ofSeconds(TrainingConfig.DEFAULT.handshakeTimeout()), transport.handshakeTimeout());
        assertEquals(Duration.ofSeconds(TrainingConfig.DEFAULT.ioTimeout()), transport.ioTimeout());
    }

    @Test
    void timeoutsBelowOneSecondAreRefused() {
        assertEquals("handshakeTimeoutSeconds must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
                () -> new ExchangeSpec("fused", 10, 0, 60)).getMessage());
        assertEquals("ioTimeoutSeconds must be at least 1, not -5", assertThrows(IllegalArgumentException.class,
                () -> new ExchangeSpec("fused", 10, 10, -5)).getMessage());
    }
}
