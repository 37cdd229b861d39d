package org.sparkdistill.jobs.config;

import java.util.Locale;
import org.sparkdistill.core.InvalidInputException;

/**
 * The valid interval of a numeric setting, with its ends open or closed; it prints as {@code (0, 100]}.
 *
 * <p>The same constant serves the file's validation and the record's own check, so a rule is written once.
 */
public record Range(double min, boolean minClosed, double max, boolean maxClosed) {
    public static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    public static Range openClosed(double min, double max) {
        return new Range(min, false, max, true);
    }

    public static Range atLeast(double min) {
        return new Range(min, true, Double.POSITIVE_INFINITY, false);
    }

    public boolean contains(double value) {
        return (minClosed ? value >= min : value > min) && (maxClosed ? value <= max : value < max);
    }

    /** The violation for {@code key = value}, or null when the value is in range. */
    public String check(String key, Number value) {
        return contains(value.doubleValue()) ? null : key + " = " + value + ": must be in " + this;
    }

    /** Throws the violation for {@code key = value}, if any. */
    public void require(String key, Number value) {
        String violation = check(key, value);
        if (violation != null) {
            throw new InvalidInputException(violation);
        }
    }

    @Override
    public String toString() {
        return (minClosed ? "[" : "(") + format(min) + ", " + (Double.isInfinite(max) ? "∞" : format(max))
                + (maxClosed ? "]" : ")");
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
