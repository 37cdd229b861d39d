package org.sparkdistill.jobs.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.network.util.JavaUtils;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One setting: its dotted key, its default, and the rule a value must follow to be accepted.
 *
 * <p>The loader checks what it read from YAML with {@link #read}; each record checks its own components with
 * {@link #require}. Both run the same rule, so a key, range or list of allowed values is written once. Immutable and
 * thread-safe.
 *
 * @param <T> the type the setting has in its record
 */
final class Field<T> {
    private final String key;
    private final T fallback;
    private final boolean required;
    private final Function<Object, T> rule;
    private final Function<String, Object> fromText;
    private final Function<T, String> toYaml;

    private Field(String key, T fallback, boolean required, Function<Object, T> rule,
                  Function<String, Object> fromText, Function<T, String> toYaml) {
        this.key = key;
        this.fallback = fallback;
        this.required = required;
        this.rule = rule;
        this.fromText = fromText;
        this.toYaml = toYaml;
    }

    /** Non-blank text that must be given. */
    static Field<String> requiredText(String key) {
        return new Field<>(key, null, true, Field::text, text -> text, YamlText::quote);
    }

    /** Non-blank text, {@code fallback} (possibly null) when not given. */
    static Field<String> text(String key, String fallback) {
        return new Field<>(key, fallback, false, Field::text, text -> text, YamlText::quote);
    }

    /**
     * Non-blank text, or an integer taken as its digits, that {@code check} accepts: it throws
     * {@link IllegalArgumentException} with the reason, which then names the valid forms.
     */
    static Field<String> textAccepted(String key, String fallback, Consumer<String> check) {
        Function<Object, String> rule = raw -> {
            String value = raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger
                    ? raw.toString() : text(raw);
            try {
                check.accept(value);
            } catch (IllegalArgumentException e) {
                throw new Problem(e.getMessage());
            }
            return value;
        };
        return new Field<>(key, fallback, false, rule, text -> text, YamlText::quote);
    }

    /** An {@code int} in {@code range}, which must lie within the {@code int} values. */
    static Field<Integer> integer(String key, int fallback, Range range) {
        if (range.min() < Integer.MIN_VALUE || range.max() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": range " + range + " exceeds the int values");
        }
        return new Field<>(key, fallback, false, raw -> integral(raw, range), Field::scalar, String::valueOf);
    }

    /**
     * A number of bytes, ≥ 0: an integer, or text with a unit suffix as Spark reads sizes ({@code 512m}, {@code 2g},
     * {@code 64k}); null when not given, for a default chosen where the value is used.
     */
    static Field<Long> bytes(String key) {
        Function<Object, Long> rule = raw -> {
            if (raw instanceof Integer || raw instanceof Long) {
                long value = ((Number) raw).longValue();
                if (value < 0) {
                    throw new Problem("must be >= 0 bytes");
                }
                return value;
            }
            if (!(raw instanceof String s) || s.isBlank()) {
                throw new Problem("must be a number of bytes, or one with a unit suffix such as 512m or 2g");
            }
            try {
                return JavaUtils.byteStringAsBytes(s.strip());
            } catch (NumberFormatException e) {
                throw new Problem("must be a number of bytes, or one with a unit suffix such as 512m or 2g ("
                        + e.getMessage() + ")");
            }
        };
        return new Field<>(key, null, false, rule, Field::scalar, String::valueOf);
    }

    /** {@code true} or {@code false}. */
    static Field<Boolean> bool(String key, boolean fallback) {
        Function<Object, Boolean> rule = raw -> {
            if (!(raw instanceof Boolean b)) {
                throw new Problem("must be true or false");
            }
            return b;
        };
        return new Field<>(key, fallback, false, rule, Field::scalar, String::valueOf);
    }

    /** Any {@code long}. */
    static Field<Long> anyLong(String key, long fallback) {
        Function<Object, Long> rule = raw -> {
            if (raw instanceof BigInteger) {
                throw new Problem("must fit in a signed 64-bit integer");
            }
            if (!(raw instanceof Integer || raw instanceof Long)) {
                throw new Problem("must be an integer");
            }
            return ((Number) raw).longValue();
        };
        return new Field<>(key, fallback, false, rule, Field::scalar, String::valueOf);
    }

    /** A {@code double} in {@code range}; a null fallback makes the setting optional. */
    static Field<Double> number(String key, Double fallback, Range range) {
        return numberAccepted(key, fallback, range, value -> { });
    }

    /**
     * A {@code double} in {@code range} that {@code check} also accepts: it throws {@link IllegalArgumentException}
     * with the reason, which then names the valid values.
     */
    static Field<Double> numberAccepted(String key, Double fallback, Range range, Consumer<Double> check) {
        Function<Object, Double> rule = raw -> {
            if (!(raw instanceof Number n)) {
                throw new Problem("must be a number");
            }
            double value = inRange(n.doubleValue(), range);
            try {
                check.accept(value);
            } catch (IllegalArgumentException e) {
                throw new Problem(e.getMessage());
            }
            return value;
        };
        return new Field<>(key, fallback, false, rule, Field::scalar, String::valueOf);
    }

    /** One of the constants of {@code type}, written in lower case. */
    static <E extends Enum<E>> Field<E> choice(String key, Class<E> type, E fallback) {
        Function<Object, E> rule = raw -> {
            if (type.isInstance(raw)) {
                return type.cast(raw);
            }
            for (E constant : type.getEnumConstants()) {
                if (raw instanceof String s && name(constant).equals(s.toLowerCase(Locale.ROOT))) {
                    return constant;
                }
            }
            throw new Problem("must be one of " + Stream.of(type.getEnumConstants()).map(Field::name)
                    .collect(Collectors.joining(", ")));
        };
        return new Field<>(key, fallback, false, rule, Field::scalar, Field::name);
    }

    /** A non-empty list of {@code int}s, each in {@code range}; as text, {@code [64, 32]} or {@code 64,32}. */
    static Field<List<Integer>> integers(String key, List<Integer> fallback, Range range) {
        String shape = "must be a non-empty list of integers, e.g. [128]";
        return numbers(key, fallback, range, shape,
                item -> item instanceof Integer || item instanceof Long || item instanceof BigInteger ? null : shape,
                Number::intValue);
    }

    /** A non-empty list of {@code double}s, each in {@code range}; as text, {@code [0.5, 0.25]} or {@code 0.5,0.25}. */
    static Field<List<Double>> numbers(String key, List<Double> fallback, Range range) {
        return numbers(key, fallback, range, "must be a non-empty list of numbers, e.g. [0.5]",
                item -> item instanceof Number ? null : "is not a number", Number::doubleValue);
    }

    /**
     * A non-empty list of numbers, each in {@code range}.
     *
     * @param shape the problem when the value is not a non-empty list
     * @param refusal the problem with an element that is not a number of the kind, or null when it is one; a problem
     *     starting with "must" replaces the whole message, any other follows the element's index and value
     */
    private static <N extends Number> Field<List<N>> numbers(String key, List<N> fallback, Range range, String shape,
            Function<Object, String> refusal, Function<Number, N> value) {
        Function<Object, List<N>> rule = raw -> {
            if (!(raw instanceof List<?> list) || list.isEmpty()) {
                throw new Problem(shape);
            }
            List<N> values = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                String problem = refusal.apply(item);
                if (problem != null) {
                    throw new Problem(problem.startsWith("must") ? problem
                            : "element [" + i + "] = " + show(item) + " " + problem);
                }
                if (!range.contains(((Number) item).doubleValue())) {
                    throw new Problem("element [" + i + "] = " + item + " is not in " + range);
                }
                values.add(value.apply((Number) item));
            }
            return List.copyOf(values);
        };
        Function<String, Object> fromText = text -> text.strip().startsWith("[") ? scalar(text)
                : Stream.of(text.split(",", -1)).map(item -> scalar(item.strip())).toList();
        return new Field<>(key, fallback, false, rule, fromText,
                list -> list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")));
    }

    /**
     * A list of names, possibly empty; a YAML integer is taken as its decimal text (a layer index). As text,
     * {@code [a, b]} or {@code a,b}.
     */
    static Field<List<String>> names(String key, List<String> fallback) {
        Function<Object, List<String>> rule = raw -> {
            if (!(raw instanceof List<?> list)) {
                throw new Problem("must be a list of names, e.g. [fc1, 2]");
            }
            List<String> values = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof Integer || item instanceof Long) {
                    values.add(String.valueOf(item));
                } else if (item instanceof String s && !s.isBlank()) {
                    values.add(s);
                } else {
                    throw new Problem("element [" + i + "] = " + show(item) + " is not a name or an index");
                }
            }
            return List.copyOf(values);
        };
        Function<String, Object> fromText = text -> text.strip().startsWith("[") ? scalar(text)
                : Stream.of(text.split(",", -1)).map(item -> (Object) item.strip()).toList();
        return new Field<>(key, fallback, false, rule, fromText,
                list -> list.stream().map(YamlText::quote).collect(Collectors.joining(", ", "[", "]")));
    }

    /**
     * A list of maps, possibly empty, each read into a record by {@code item}, which throws an
     * {@link InvalidInputException} naming what is wrong; as YAML, a flow list of the items' flow maps.
     */
    static <T> Field<List<T>> records(String key, Class<T> type, Function<Map<?, ?>, T> item,
            Function<T, String> itemYaml) {
        Function<Object, List<T>> rule = raw -> {
            if (!(raw instanceof List<?> list)) {
                throw new Problem("must be a list of maps");
            }
            List<T> values = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (type.isInstance(list.get(i))) {
                    values.add(type.cast(list.get(i)));
                    continue;
                }
                if (!(list.get(i) instanceof Map<?, ?> map)) {
                    throw new Problem("element [" + i + "] = " + show(list.get(i)) + " is not a map");
                }
                try {
                    values.add(item.apply(map));
                } catch (InvalidInputException e) {
                    throw new Problem("element [" + i + "]: " + e.getMessage());
                }
            }
            return List.copyOf(values);
        };
        return new Field<>(key, List.of(), false, rule, Field::scalar,
                list -> list.stream().map(itemYaml).collect(Collectors.joining(", ", "[", "]")));
    }

    /**
     * A map of names to text, possibly empty; scalar values (numbers, booleans) are taken as their text. As text,
     * a YAML flow map such as {@code {header: true, delimiter: ";"}}.
     */
    static Field<Map<String, String>> textMap(String key, Map<String, String> fallback) {
        Function<Object, Map<String, String>> rule = raw -> {
            if (!(raw instanceof Map<?, ?> map)) {
                throw new Problem("must be a map of names to values, e.g. {header: true}");
            }
            Map<String, String> values = new java.util.TreeMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object value = entry.getValue();
                if (!(entry.getKey() instanceof String name) || name.isBlank()
                        || !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    throw new Problem("entry " + show(entry.getKey()) + " = " + show(value)
                            + " is not a name with a text, number or boolean value");
                }
                values.put(name, String.valueOf(value));
            }
            return java.util.Collections.unmodifiableMap(values);
        };
        return new Field<>(key, fallback, false, rule, Field::scalar, map -> map.entrySet().stream()
                .map(e -> YamlText.quote(e.getKey()) + ": " + YamlText.quote(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}")));
    }

    String key() {
        return key;
    }

    /** The part of the key before its first dot, or "" for a top-level key. */
    String section() {
        int dot = key.indexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** The part of the key after its last dot. */
    String leaf() {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    T fallback() {
        return fallback;
    }

    /**
     * The value of a parsed YAML node, or the default when it is absent or invalid; a problem is added to
     * {@code violations} under {@code name} (the key, with an index for list items).
     */
    T read(String name, Object raw, List<String> violations) {
        if (raw == null) {
            if (required) {
                violations.add(name + ": required but missing");
            }
            return fallback;
        }
        try {
            return rule.apply(raw);
        } catch (Problem p) {
            violations.add(name + " = " + show(raw) + ": " + p.getMessage());
            return fallback;
        }
    }

    /**
     * The value a record keeps for {@code value}, normalised (lists become unmodifiable copies).
     *
     * @throws InvalidInputException naming the key, the value and the valid values
     */
    T require(T value) {
        if (value == null) {
            if (required || fallback != null) {
                throw new InvalidInputException(key + ": required but missing");
            }
            return null;
        }
        try {
            return rule.apply(value);
        } catch (Problem p) {
            throw new InvalidInputException(key + " = " + show(value) + ": " + p.getMessage());
        }
    }

    /** The node an override such as {@code --set key=text} stands for; empty text unsets the key. */
    Object fromText(String text) {
        return text == null || text.isEmpty() ? null : fromText.apply(text);
    }

    /** The value as a YAML scalar or flow list that {@link #read} turns back into an equal value. */
    String toYaml(T value) {
        return toYaml.apply(value);
    }

    /** This field's value among {@code values}, which holds what {@link #read} returned for each field. */
    @SuppressWarnings("unchecked")
    T in(Map<Field<?>, Object> values) {
        return (T) values.get(this);
    }

    /** A value as the user wrote it, text in quotes, cut to {@link Excerpt#MAX_CHARS} characters. */
    static String show(Object raw) {
        return raw instanceof String s ? Excerpt.quoted(s) : Excerpt.of(raw);
    }

    private static String text(Object raw) {
        if (!(raw instanceof String s)) {
            throw new Problem("must be text; put it in quotes");
        }
        if (s.isBlank()) {
            throw new Problem("must not be blank");
        }
        return s;
    }

    private static int integral(Object raw, Range range) {
        if (!(raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger)) {
            throw new Problem("must be an integer");
        }
        // SnakeYAML returns a BigInteger only beyond the long values, hence beyond every int range.
        if (raw instanceof BigInteger || !range.contains(((Number) raw).doubleValue())) {
            throw new Problem("must be in " + range);
        }
        return ((Number) raw).intValue();
    }

    private static double inRange(double value, Range range) {
        if (!range.contains(value)) {
            throw new Problem("must be in " + range);
        }
        return value;
    }

    private static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** A YAML scalar as SnakeYAML would read it from a file, or the text itself when it is not valid YAML. */
    private static Object scalar(String text) {
        try {
            return SafeYaml.load(text);
        } catch (YAMLException e) {
            return text;
        }
    }

    /** Why a value is refused; caught within this class and turned into a message that names the key. */
    private static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String reason) {
            super(reason, null, false, false);
        }
    }
}
