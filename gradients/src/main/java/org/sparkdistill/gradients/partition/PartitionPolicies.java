package org.sparkdistill.gradients.partition;

import java.util.regex.Pattern;

/** Reads a partition policy from its configuration name. */
public final class PartitionPolicies {
    /** The forms {@link #parse} accepts, for error messages and documentation. */
    public static final String VALID_FORMS = FusedPolicy.NAME + ", " + PerLayerPolicy.NAME + ", "
            + FixedSizePolicy.PREFIX + "<MB> (a positive number of MiB, for example " + FixedSizePolicy.PREFIX + "25), "
            + MgWfbpPolicy.NAME + ", " + AdaptivePolicy.NAME;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private PartitionPolicies() {
    }

    /**
     * The policy named {@code name}: {@code fused}, {@code per-layer}, {@code fixed:<MB>}, {@code mgwfbp} or
     * {@code adaptive} (with {@link AdaptivePolicy#DEFAULT_MIN_BUCKET_BYTES}). Names are exact: lower case, no spaces.
     *
     * @throws IllegalArgumentException naming the value and the valid forms if it is none of these
     */
    public static PartitionPolicy parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("no partition policy given; valid: " + VALID_FORMS);
        }
        return switch (name) {
            case FusedPolicy.NAME -> new FusedPolicy();
            case PerLayerPolicy.NAME -> new PerLayerPolicy();
            case MgWfbpPolicy.NAME -> new MgWfbpPolicy();
            case AdaptivePolicy.NAME -> new AdaptivePolicy();
            default -> parseFixed(name);
        };
    }

    private static PartitionPolicy parseFixed(String name) {
        if (!name.startsWith(FixedSizePolicy.PREFIX)) {
            throw new IllegalArgumentException("unknown partition policy '" + name + "'; valid: " + VALID_FORMS);
        }
        String cap = name.substring(FixedSizePolicy.PREFIX.length());
        double capMiB = DECIMAL.matcher(cap).matches() ? Double.parseDouble(cap) : 0;
        if (!(capMiB > 0) || Double.isInfinite(capMiB)) {
            throw new IllegalArgumentException("partition policy '" + name + "' needs a positive bucket cap in MiB after '"
                    + FixedSizePolicy.PREFIX + "', not '" + cap + "'; valid: " + VALID_FORMS);
        }
        return new FixedSizePolicy(capMiB);
    }
}
