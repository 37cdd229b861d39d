package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.StudentArchitecture;

/** {@code student.peers}, {@code student.keep} and the mutual objective, as a job file gives them. */
class PeerConfigTest {
    private static final String PEERS = """
            data: {train: x}
            output: out
            student:
              architecture: cnn
              channels: [4, 8]
              hidden: [32]
              peers:
                - {}
                - {architecture: mlp, hidden: [64]}
              keep: 1
            distillation:
              alpha: 0
              objectives: [{type: kd}, {type: mutual, weight: 0.5, temperature: 2}]
            """;

    private static DistillConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    private static String refusal(String yaml) {
        return assertThrows(InvalidInputException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void eachPeerIsTheStudentSectionWithItsOwnKeysInTheirPlace() {
        DistillConfig config = parse(PEERS);
        List<StudentConfig> peers = config.student().peerStudents();
        assertEquals(2, peers.size());
        assertEquals(StudentArchitecture.CNN, peers.get(0).architecture());
        assertEquals(List.of(4, 8), peers.get(0).channels());
        assertEquals(List.of(32), peers.get(0).hidden());
        assertEquals(StudentArchitecture.MLP, peers.get(1).architecture());
        assertEquals(List.of(64), peers.get(1).hidden());
        assertEquals(List.of(4, 8), peers.get(1).channels(), "keys a peer leaves out come from the student section");
        assertEquals(List.of(), peers.get(1).peers(), "a peer has no peers of its own");
        assertEquals("1", config.student().keep());
        ObjectiveConfig mutual = config.distillation().objectives().get(1);
        assertEquals(new ObjectiveConfig(ObjectiveConfig.Type.MUTUAL, 0.5, null, null, null, 2.0), mutual);
        assertTrue(config.distillation().hasMutual());
    }

    @Test
    void theResolvedYamlReadsBackEqual() {
        DistillConfig config = parse(PEERS);
        assertEquals(config, parse(config.toYaml()));
        assertTrue(config.toYaml().contains("peers: [{}, {architecture: mlp, hidden: [64]}]"), config.toYaml());
    }

    @Test
    void aMutualObjectiveWithoutItsOwnTemperatureTakesOne() {
        DistillConfig config = parse(PEERS.replace("{type: mutual, weight: 0.5, temperature: 2}", "{type: mutual}"));
        assertEquals(1.0, config.distillation().objectives().get(1).temperature());
        assertEquals(1.0, config.distillation().objectives().get(1).weight());
    }

    @Test
    void aPeerListOfOneIsRefusedNamingTheCount() {
        assertEquals("student.peers lists 1 peer: peers learn from each other, so give two or more, or none for a "
                + "lone student", refusal(PEERS.replace("    - {architecture: mlp, hidden: [64]}\n", "")
                .replace("keep: 1", "keep: best")));
    }

    @Test
    void mutualLearningWithoutPeersOrWithoutKdIsRefused() {
        String lone = PEERS.replaceAll("(?s)  peers:.*?keep: 1\n", "");
        assertEquals("distillation.objectives lists mutual, which makes peers learn from each other, but "
                + "student.peers is empty; list two or more peers", refusal(lone));
        assertTrue(refusal(PEERS.replace("[{type: kd}, ", "[")).contains("lists mutual without kd"));
        assertTrue(refusal(PEERS.replace("[{type: kd}, ", "[{type: kd}, {type: mutual}, "))
                .contains("lists mutual more than once"));
    }

    @Test
    void aKeptPeerOutOfRangeAndBadPeerKeysAreNamed() {
        assertEquals("student.keep = 2: there are 2 peers, 0 to 1", refusal(PEERS.replace("keep: 1", "keep: 2")));
        assertTrue(refusal(PEERS.replace("keep: 1", "keep: worst")).contains("student.keep = \"worst\": must be best or "
                + "a peer's position"));
        String unknown = refusal(PEERS.replace("{architecture: mlp, hidden: [64]}", "{architecture: mlp, depth: 3}"));
        assertTrue(unknown.contains("student.peers = ") && unknown.contains("element [1]: depth: unknown key; known "
                + "keys: architecture, channels, hidden, model"), unknown);
        assertTrue(refusal(PEERS.replace("{type: kd}", "{type: kd, temperature: 3}"))
                .contains("a kd objective takes no temperature of its own, got temperature = 3.0"));
    }
}
