package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class RunKeyTest {
    static RunKey key(String hidden, long seed) {
        return RunKey.builder().add("student.hidden", hidden).add("training.seed", seed).build();
    }

    @Test
    void theIdIsTheFirst16HexDigitsOfTheSha256OfTheCanonicalText() {
        RunKey key = key("[32]", 5);
        assertEquals("student.hidden=[32]\ntraining.seed=5\n", key.text());
        // printf 'student.hidden=[32]\ntraining.seed=5\n' | sha256sum
        assertEquals("3f8edbbff93046f39b5df88afecfdb25fa2a415e3c22ae8cb0393b31ae371d88", key.sha256());
        assertEquals("3f8edbbff93046f3", key.id());
    }

    @Test
    void equalSettingsGiveEqualIdsAndAnyChangeOrReorderGivesAnother() {
        assertEquals(key("[32]", 5).id(), key("[32]", 5).id());
        assertNotEquals(key("[32]", 5).id(), key("[64]", 5).id());
        assertNotEquals(key("[32]", 5).id(), key("[32]", 6).id());
        RunKey reordered = RunKey.builder().add("training.seed", 5).add("student.hidden", "[32]").build();
        assertNotEquals(key("[32]", 5).id(), reordered.id());
    }

    @Test
    void theTextReadsBackIntoAnEqualKey() {
        RunKey key = key("[64, 32]", -3);
        assertEquals(key, RunKey.parse(key.text(), "run.properties"));
    }

    @Test
    void changesNameEachDifferingSettingWithBothValues() {
        RunKey earlier = RunKey.builder().add("student.hidden", "[32]").add("training.seed", 5).add("data.limit", 300)
                .build();
        RunKey now = RunKey.builder().add("student.hidden", "[64]").add("training.seed", 5).add("cache.topK", 5)
                .build();
        assertEquals(List.of("student.hidden [32] → [64]", "cache.topK (none) → 5", "data.limit 300 → (none)"),
                now.changesFrom(earlier));
        assertEquals(List.of(), now.changesFrom(now));
    }

    @Test
    void badTextAndBadFieldsAreRefusedWithTheSource() {
        assertTrue(assertThrows(InvalidInputException.class, () -> RunKey.parse("no equals sign\n", "d/run.properties"))
                .getMessage().contains("d/run.properties"));
        assertTrue(assertThrows(InvalidInputException.class, () -> RunKey.parse("", "d/run.properties"))
                .getMessage().contains("d/run.properties"));
        assertTrue(assertThrows(InvalidInputException.class, () -> RunKey.parse("a=1\na=2\n", "d/run.properties"))
                .getMessage().contains("a appears twice"));
        assertThrows(InvalidInputException.class, () -> RunKey.builder().build());
        assertThrows(InvalidInputException.class, () -> RunKey.builder().add("a", "two\nlines").build());
        assertThrows(InvalidInputException.class, () -> RunKey.builder().add("a=b", 1).build());
    }
}
