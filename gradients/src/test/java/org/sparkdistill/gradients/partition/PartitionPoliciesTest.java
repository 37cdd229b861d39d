package org.sparkdistill.gradients.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionPoliciesTest {
    @Test
    void readsEveryValidForm() {
        assertEquals(new FusedPolicy(), PartitionPolicies.parse("fused"));
        assertEquals(new PerLayerPolicy(), PartitionPolicies.parse("per-layer"));
        assertEquals(new FixedSizePolicy(25), PartitionPolicies.parse("fixed:25"));
        assertEquals(new FixedSizePolicy(2.5), PartitionPolicies.parse("fixed:2.5"));
        assertEquals(new FixedSizePolicy(0.25), PartitionPolicies.parse("fixed:0.25"));
        assertEquals(new MgWfbpPolicy(), PartitionPolicies.parse("mgwfbp"));
        assertEquals(new AdaptivePolicy(AdaptivePolicy.DEFAULT_MIN_BUCKET_BYTES), PartitionPolicies.parse("adaptive"));
    }

    @Test
    void everyPolicyIsReadBackFromItsName() {
        for (PartitionPolicy policy : List.of(new FusedPolicy(), new PerLayerPolicy(), new FixedSizePolicy(25),
                new FixedSizePolicy(0.5), new MgWfbpPolicy(), new AdaptivePolicy())) {
            assertEquals(policy, PartitionPolicies.parse(policy.name()));
        }
    }

    @Test
    void refusesUnknownNamesNamingTheValueAndTheValidForms() {
        for (String bad : new String[] {"", "fuse", "Fused", " adaptive", "per_layer", "fixed", "dp"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartitionPolicies.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(PartitionPolicies.VALID_FORMS), e.getMessage());
        }
    }

    @Test
    void refusesAFixedCapThatIsNotAPositiveNumber() {
        for (String bad : new String[] {"fixed:", "fixed:0", "fixed:0.0", "fixed:-1", "fixed:abc", "fixed:1e3",
                "fixed:2.", "fixed: 25"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartitionPolicies.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("positive bucket cap in MiB"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(PartitionPolicies.VALID_FORMS), e.getMessage());
        }
    }

    @Test
    void refusesNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartitionPolicies.parse(null));
        assertTrue(e.getMessage().contains(PartitionPolicies.VALID_FORMS), e.getMessage());
    }
}
