package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * A configuration with one or more invalid settings; the message names the source and lists every one, one per line.
 *
 * <p>Each violation names the dotted key, the value found and what is valid, e.g.
 * {@code distillation.temperature = -1: must be in (0, 100]}; the source and the values are cut to
 * {@link Excerpt#MAX_CHARS} characters.
 */
public final class ConfigException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final List<String> violations;

    /**
     * @param source the file path or other name of the configuration
     * @param violations at least one
     */
    public ConfigException(String source, List<String> violations) {
        super(message(source, violations));
        this.violations = List.copyOf(violations);
    }

    /** The violations in the order they were found, one line each. */
    public List<String> violations() {
        return violations;
    }

    private static String message(String source, List<String> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one violation");
        }
        int n = violations.size();
        return Excerpt.of(source) + ": invalid configuration, " + n + (n == 1 ? " problem" : " problems") + ":\n  "
                + String.join("\n  ", violations);
    }
}
