package org.sparkdistill.core.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.Sha256;

/**
 * The identity of a training trajectory: the settings that shape it, as ordered {@code name=value} fields, and the
 * SHA-256 of their canonical text.
 *
 * <p>The canonical text is one {@code name=value} line per field, in the order given, each ended by a newline; the
 * {@link #id() id} is the first {@value #ID_LENGTH} hex digits of its SHA-256 and names the folder that holds the
 * run's checkpoints. The text itself is written beside them ({@value #FILE}), so a run that finds another key's
 * checkpoints can say which settings differ. Which settings belong in a key is the caller's decision. Immutable.
 *
 * @param fields the settings in canonical order; names are unique, and neither names nor values contain a line break
 */
public record RunKey(List<Field> fields) {
    /** The file, in the run's checkpoint folder, that holds the key's canonical text. */
    public static final String FILE = "run.properties";
    /** Hex digits of the SHA-256 in a folder name: 64 bits, ample to tell the runs sharing a directory apart. */
    public static final int ID_LENGTH = 16;

    /** One setting of a run key. */
    public record Field(String name, String value) {
        public Field {
            if (name == null || name.isBlank() || name.contains("=") || name.contains("\n")) {
                throw new InvalidInputException("run key field name '" + name + "' must be non-blank, without '='"
                        + " or a line break");
            }
            if (value == null || value.contains("\n")) {
                throw new InvalidInputException("run key field " + name + " has value '" + value
                        + "'; it must be present and on one line");
            }
        }
    }

    public RunKey {
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new InvalidInputException("a run key needs at least one field");
        }
        List<String> seen = new ArrayList<>();
        for (Field field : fields) {
            if (seen.contains(field.name())) {
                throw new InvalidInputException("run key field " + field.name() + " appears twice");
            }
            seen.add(field.name());
        }
    }

    /** Builds a key field by field, in canonical order. Not thread-safe. */
    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        public Builder add(String name, Object value) {
            fields.add(new Field(name, String.valueOf(value)));
            return this;
        }

        public RunKey build() {
            return new RunKey(fields);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The canonical text: {@code name=value} lines in order. */
    public String text() {
        StringBuilder text = new StringBuilder();
        fields.forEach(field -> text.append(field.name()).append('=').append(field.value()).append('\n'));
        return text.toString();
    }

    /** The SHA-256 of the canonical text, 64 lower-case hex digits. */
    public String sha256() {
        return Sha256.hex(text().getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@value #ID_LENGTH} hex digits of {@link #sha256()}: the name of the run's checkpoint folder. */
    public String id() {
        return sha256().substring(0, ID_LENGTH);
    }

    /**
     * Reads a key back from its canonical text.
     *
     * @param source names the text's file in errors
     * @throws InvalidInputException naming {@code source} when a line is not {@code name=value} or a name repeats
     */
    public static RunKey parse(String text, String source) {
        List<Field> fields = new ArrayList<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("run key " + source + " has a line that is not name=value: '" + line
                        + "'");
            }
            fields.add(new Field(line.substring(0, eq), line.substring(eq + 1)));
        }
        try {
            return new RunKey(fields);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("run key " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The settings in which this key differs from {@code earlier}, each as {@code "name earlier → this"}, in this key's
     * order and then the names only {@code earlier} has; a setting one key lacks shows as {@code (none)}.
     */
    public List<String> changesFrom(RunKey earlier) {
        Map<String, String> before = earlier.asMap();
        Map<String, String> after = asMap();
        Map<String, String> names = new LinkedHashMap<>(after);
        before.forEach(names::putIfAbsent);
        List<String> changes = new ArrayList<>();
        for (String name : names.keySet()) {
            String was = before.getOrDefault(name, "(none)");
            String is = after.getOrDefault(name, "(none)");
            if (!was.equals(is)) {
                changes.add(name + " " + was + " → " + is);
            }
        }
        return changes;
    }

    private Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        fields.forEach(field -> map.put(field.name(), field.value()));
        return map;
    }
}
