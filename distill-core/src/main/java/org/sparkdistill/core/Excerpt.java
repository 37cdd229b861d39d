package org.sparkdistill.core;

/**
 * Values as error messages show them: at most {@value #MAX_CHARS} characters of the value, a longer one cut with an
 * ellipsis and followed by its length, so that a hostile or runaway value cannot flood a message.
 *
 * <p>Stateless and thread-safe.
 */
public final class Excerpt {
    /** The most characters of a value a message shows. */
    public static final int MAX_CHARS = 200;

    private Excerpt() {}

    /**
     * The text in double quotes: {@code "abc"}, or for a longer text its first {@value #MAX_CHARS} characters and the
     * length, {@code "abc…" (5000 characters)}; {@code null} stays {@code null}.
     */
    public static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= MAX_CHARS ? "\"" + text + "\"" : "\"" + head(text) + "…\" (" + text.length()
                + " characters)";
    }

    /** The value's text unquoted, for paths and numbers: as it is, or cut like {@link #quoted}. */
    public static String of(Object value) {
        String text = String.valueOf(value);
        return text.length() <= MAX_CHARS ? text : head(text) + "… (" + text.length() + " characters)";
    }

    /** The first {@value #MAX_CHARS} characters, one fewer where that would split a surrogate pair. */
    private static String head(String text) {
        int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return text.substring(0, end);
    }
}
