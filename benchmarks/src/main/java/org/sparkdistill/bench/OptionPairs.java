package org.sparkdistill.bench;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Command-line arguments read as {@code --name value} pairs, in order. */
public final class OptionPairs {
    private OptionPairs() {}

    /**
     * The pairs of {@code args}.
     *
     * @throws IllegalArgumentException naming the last option when it has no value
     */
    public static List<Map.Entry<String, String>> of(String[] args) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + ": missing value");
            }
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(args[i], args[i + 1]));
        }
        return pairs;
    }

    /**
     * Refuses settings with problems.
     *
     * @throws IllegalArgumentException listing every problem, when there are any
     */
    public static void requireNone(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }
}
