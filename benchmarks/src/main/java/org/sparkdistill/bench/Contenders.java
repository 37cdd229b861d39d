package org.sparkdistill.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sparkdistill.core.InvalidInputException;

/** The contenders the harness knows, by name; adding one is a class and a line here. */
public final class Contenders {
    private static final List<Supplier<Contender>> KNOWN = List.of(SparkDistillDataParallel::new, Dl4jParameterAveraging::new, SingleProcessFit::new);

    private Contenders() {}

    /** Every known contender's name, in the order they run by default. */
    public static List<String> names() {
        return List.copyOf(byName().keySet());
    }

    /**
     * A new, unstarted contender.
     *
     * @throws InvalidInputException naming the known contenders when {@code name} is not one of them
     */
    public static Contender create(String name) {
        Supplier<Contender> factory = byName().get(name);
        if (factory == null) {
            throw new InvalidInputException("unknown contender '" + name + "'; known: " + String.join(", ", names()));
        }
        return factory.get();
    }

    private static Map<String, Supplier<Contender>> byName() {
        Map<String, Supplier<Contender>> byName = new LinkedHashMap<>();
        for (Supplier<Contender> factory : KNOWN) {
            byName.put(factory.get().name(), factory);
        }
        return byName;
    }
}
