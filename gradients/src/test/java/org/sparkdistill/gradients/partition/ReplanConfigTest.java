package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplanConfigTest {
    @Test
    void theRequiredGainIsTheFractionOfTheCommunicationPlusTheFloor() {
        assertEquals(0.05 * 2 + 1e-4, ReplanConfig.DEFAULTS.requiredGainSeconds(2), 1e-15);
        assertEquals(50, ReplanConfig.DEFAULTS.intervalSteps());
    }

    @Test
    void refusesValuesOutOfRangeNamingThem() {
        assertRefused(() -> new ReplanConfig(0, 0.05, 1e-4), "intervalSteps must be at least 1, not 0");
        assertRefused(() -> new ReplanConfig(10, -0.1, 1e-4), "minGainFraction must be a finite number >= 0, not -0.1");
        assertRefused(() -> new ReplanConfig(10, Double.NaN, 1e-4), "minGainFraction must be a finite number >= 0, not NaN");
        assertRefused(() -> new ReplanConfig(10, 0.05, Double.POSITIVE_INFINITY),
                "minGainSeconds must be a finite number >= 0, not Infinity");
    }

    private static void assertRefused(Runnable construction, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
