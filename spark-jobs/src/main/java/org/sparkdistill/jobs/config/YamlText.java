package org.sparkdistill.jobs.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Block-style YAML built entry by entry: top-level entries, one level of sections, and lists of maps.
 *
 * <p>Values arrive already written as YAML scalars or flow lists. A section header is written before the first
 * entry of a section, so the entries of one section must come together. Not thread-safe.
 */
final class YamlText {
    private static final String INDENT = "  ";

    private final StringBuilder text = new StringBuilder();
    private String section = "";

    /** Writes {@code name: value} at the top level when {@code section} is "", else inside {@code section}. */
    void entry(String section, String name, String value) {
        if (!section.equals(this.section)) {
            if (!section.isEmpty()) {
                text.append(section).append(":\n");
            }
            this.section = section;
        }
        text.append(section.isEmpty() ? "" : INDENT).append(name).append(": ").append(value).append('\n');
    }

    /** Writes the top-level list {@code name}, each item a map of {@code name: value} entries. */
    void list(String name, List<List<Map.Entry<String, String>>> items) {
        section = "";
        if (items.isEmpty()) {
            text.append(name).append(": []\n");
            return;
        }
        text.append(name).append(":\n");
        for (List<Map.Entry<String, String>> item : items) {
            for (int i = 0; i < item.size(); i++) {
                text.append(i == 0 ? INDENT + "- " : INDENT + INDENT).append(item.get(i).getKey()).append(": ")
                        .append(item.get(i).getValue()).append('\n');
            }
        }
    }

    /** A YAML double-quoted scalar; characters a YAML stream may not hold are escaped. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF
                    || c >= 0xFFFE) {
                q.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
