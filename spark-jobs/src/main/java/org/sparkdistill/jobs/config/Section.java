package org.sparkdistill.jobs.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One map of a parsed configuration, read key by key; every problem is added to a shared list instead of thrown.
 *
 * <p>After reading, {@link #rejectUnknownKeys()} reports the keys nobody asked for. Defaults stand in for missing
 * or invalid values so that reading can go on and find every other problem.
 */
final class Section {
    private final String path;
    private final Map<?, ?> values;
    private final List<String> violations;
    private final Set<String> known = new LinkedHashSet<>();

    Section(String path, Map<?, ?> values, List<String> violations) {
        this.path = path;
        this.values = values == null ? Map.of() : values;
        this.violations = violations;
    }

    private String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private Object raw(String name) {
        known.add(name);
        return values.get(name);
    }

    String string(String name, String fallback, boolean required) {
        Object v = raw(name);
        if (v == null) {
            if (required) {
                violations.add(key(name) + ": required but missing");
            }
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            violations.add(key(name) + " = " + v + ": must be a single value");
            return fallback;
        }
        return v.toString();
    }

    long integer(String name, long fallback, Range range) {
        Object v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger)) {
            violations.add(key(name) + " = " + show(v) + ": must be an integer");
            return fallback;
        }
        return inRange(name, ((Number) v).longValue(), range) ? ((Number) v).longValue() : fallback;
    }

    Double real(String name, Double fallback, Range range) {
        Object v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            violations.add(key(name) + " = " + show(v) + ": must be a number");
            return fallback;
        }
        return inRange(name, n, range) ? n.doubleValue() : fallback;
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        Object v = raw(name);
        if (v == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (DistillConfig.name(constant).equals(v.toString().toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(DistillConfig.name(constant));
        }
        violations.add(key(name) + " = " + show(v) + ": must be one of " + String.join(", ", allowed));
        return fallback;
    }

    List<Integer> integers(String name, List<Integer> fallback, Range range) {
        Object v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            violations.add(key(name) + " = " + show(v) + ": must be a non-empty list of integers");
            return fallback;
        }
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemKey = key(name) + "[" + i + "]";
            if (!(item instanceof Integer n)) {
                violations.add(itemKey + " = " + show(item) + ": must be an integer");
            } else if (!range.contains(n)) {
                violations.add(range.check(itemKey, n));
            } else {
                result.add(n);
            }
        }
        return result.size() == list.size() ? result : fallback;
    }

    /** The nested section {@code name}; a value that is not a map is a violation and reads as empty. */
    Section section(String name) {
        Object v = raw(name);
        if (v != null && !(v instanceof Map)) {
            violations.add(key(name) + " = " + show(v) + ": must be a section of keys");
            v = null;
        }
        return new Section(key(name), (Map<?, ?>) v, violations);
    }

    /** The list {@code name} as sections; items that are not maps are violations. */
    List<Section> sections(String name) {
        Object v = raw(name);
        List<Section> result = new ArrayList<>();
        if (v == null) {
            return result;
        }
        if (!(v instanceof List<?> list)) {
            violations.add(key(name) + " = " + show(v) + ": must be a list");
            return result;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> item) {
                result.add(new Section(key(name) + "[" + i + "]", item, violations));
            } else {
                violations.add(key(name) + "[" + i + "] = " + show(list.get(i)) + ": must be a section of keys");
            }
        }
        return result;
    }

    void rejectUnknownKeys() {
        for (Object k : values.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                violations.add(key(String.valueOf(k)) + ": unknown key; known keys: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private boolean inRange(String name, Number value, Range range) {
        String violation = range.check(key(name), value);
        if (violation != null) {
            violations.add(violation);
        }
        return violation == null;
    }

    private static String show(Object v) {
        return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }
}
