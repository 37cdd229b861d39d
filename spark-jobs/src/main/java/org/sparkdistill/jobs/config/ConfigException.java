package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/** A configuration with one or more invalid settings; the message lists every one, one per line. */
public final class ConfigException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final List<String> violations;

    public ConfigException(String source, List<String> violations) {
        super("invalid configuration " + source + " (" + violations.size() + " problem"
                + (violations.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
