package org.sparkdistill.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcerptTest {
    @Test
    void aShortValueIsShownWhole() {
        assertEquals("\"\"", Excerpt.quoted(""));
        assertEquals("\"abc\"", Excerpt.quoted("abc"));
        String limit = "y".repeat(Excerpt.MAX_CHARS);
        assertEquals("\"" + limit + "\"", Excerpt.quoted(limit));
        assertEquals(limit, Excerpt.of(limit));
        assertEquals("/data/train", Excerpt.of(Path.of("/data/train")));
        assertEquals("[1, 2]", Excerpt.of(List.of(1, 2)));
    }

    @Test
    void aLongValueIsCutToTwoHundredCharactersWithItsLength() {
        String value = "a".repeat(Excerpt.MAX_CHARS) + "b".repeat(4_194_104);
        assertEquals("\"" + "a".repeat(200) + "…\" (4194304 characters)", Excerpt.quoted(value));
        assertEquals("a".repeat(200) + "… (4194304 characters)", Excerpt.of(value));
        assertEquals("\"" + "a".repeat(200) + "…\" (201 characters)", Excerpt.quoted("a".repeat(201)));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String face = "\uD83D\uDE00";
        String value = "a".repeat(Excerpt.MAX_CHARS - 1) + face + "tail";
        assertEquals("\"" + "a".repeat(199) + "…\" (205 characters)", Excerpt.quoted(value));
    }

    @Test
    void nullIsShownAsNull() {
        assertEquals("null", Excerpt.quoted(null));
        assertEquals("null", Excerpt.of(null));
    }
}
