package org.sparkdistill.jobs.config;

/**
 * The valid interval of a numeric setting, each end open or closed; it prints as {@code (0, 100]}.
 *
 * <p>NaN lies in no range. An unbounded end prints as {@code infinity}.
 */
record Range(double min, boolean minClosed, double max, boolean maxClosed) {
    Range {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("not an interval: " + min + ", " + max);
        }
    }

    static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    static Range openClosed(double min, double max) {
        return new Range(min, false, max, true);
    }

    /** The finite values above {@code min}. */
    static Range finiteAbove(double min) {
        return new Range(min, false, Double.POSITIVE_INFINITY, false);
    }

    /** Every finite value. */
    static Range finite() {
        return new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);
    }

    boolean contains(double value) {
        return (minClosed ? value >= min : value > min) && (maxClosed ? value <= max : value < max);
    }

    @Override
    public String toString() {
        return (minClosed ? "[" : "(") + format(min) + ", " + format(max) + (maxClosed ? "]" : ")");
    }

    private static String format(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "infinity" : "-infinity";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
