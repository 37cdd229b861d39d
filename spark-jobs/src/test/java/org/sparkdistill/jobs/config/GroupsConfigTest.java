package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

/** {@code training.groups}, {@code training.exchangeEvery} and the codistill objective, as a job file gives them. */
class GroupsConfigTest {
    private static final String GROUPS = """
            data: {train: x}
            output: out
            distillation:
              alpha: 0
              objectives: [{type: kd}, {type: codistill, weight: 0.5, temperature: 2}]
            training: {workers: 4, groups: 2, exchangeEvery: 50}
            """;

    private static DistillConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    private static String refusal(String yaml) {
        return assertThrows(InvalidInputException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void groupsTheExchangeIntervalAndTheObjectiveAreReadAndWrittenBack() {
        DistillConfig config = parse(GROUPS);
        assertEquals(2, config.training().groups());
        assertEquals(50, config.training().exchangeEvery());
        assertEquals(new ObjectiveConfig(ObjectiveConfig.Type.CODISTILL, 0.5, null, null, null, 2.0),
                config.distillation().objectives().get(1));
        assertEquals(config, parse(config.toYaml()));
        assertEquals(1, parse("data: {train: x}\noutput: out\n").training().groups(), "one group by default");
    }

    @Test
    void groupsThatDoNotDivideTheWorkersAndAnExchangeIntervalOfZeroAreRefusedNamingTheValues() {
        assertEquals("training.groups = 3 does not divide training.workers = 4; every group needs the same number of "
                + "workers", refusal(GROUPS.replace("groups: 2", "groups: 3")));
        assertTrue(refusal(GROUPS.replace("exchangeEvery: 50", "exchangeEvery: 0"))
                .contains("training.exchangeEvery = 0: must be in [1, 100000000]"));
    }

    @Test
    void groupsCheckpointAtExchanges() {
        assertEquals("training.checkpointEvery = 10 is not a multiple of training.exchangeEvery = 50: codistilling"
                + " groups checkpoint at exchanges, so that a resumed group learns from the same copies of the others",
                refusal(GROUPS.replace("exchangeEvery: 50", "exchangeEvery: 50, checkpointEvery: 10")));
        assertEquals(150, ConfigLoader.parse(GROUPS.replace("exchangeEvery: 50", "exchangeEvery: 50, checkpointEvery:"
                + " 150"), "job.yaml", Map.of()).training().checkpointEvery());
    }

    @Test
    void codistillationAndGroupsComeTogetherAndWithoutPeers() {
        assertTrue(refusal(GROUPS.replace("groups: 2", "groups: 1")).contains("distillation.objectives lists codistill, "
                + "which learns from other groups, but training.groups = 1"));
        assertTrue(refusal(GROUPS.replace(", {type: codistill, weight: 0.5, temperature: 2}", ""))
                .contains("lists no codistill objective"));
        assertTrue(refusal(GROUPS.replace("output: out\n", "output: out\nstudent: {peers: [{}, {}]}\n"))
                .contains("a codistillation group trains one student"));
    }
}
