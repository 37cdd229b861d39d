package org.sparkdistill.bench.net;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparkdistill.core.InvalidInputException;

/**
 * What links the ranks: {@code loopback}, or {@code shaped:<rate>[:<delay>]}, veth links of that rate in each
 * direction with that one-way delay between any two ranks.
 *
 * <p>Rates are written as {@code tc} writes them in bits per second ({@code 100mbit}, {@code 1gbit}; units
 * {@code bit}, {@code kbit}, {@code mbit}, {@code gbit}, {@code tbit}, powers of 1000); delays with the units
 * {@code s}, {@code ms}, {@code us} or {@code ns} ({@code 0.1ms}). {@code tc}'s byte units ({@code mbps}) are refused
 * because they read like bits.
 *
 * @param text the link as written, for descriptions
 * @param rateBitsPerSecond rate of every link in each direction; 0 for loopback
 * @param delayNanos one-way delay from any rank to any other; 0 for none
 */
public record LinkSpec(String text, long rateBitsPerSecond, long delayNanos) {
    /** 127.0.0.1 for every rank, unshaped. */
    public static final LinkSpec LOOPBACK = new LinkSpec("loopback", 0, 0);

    private static final Pattern SHAPED = Pattern.compile("shaped:([^:]+)(?::([^:]+))?");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)([a-z]*)");
    private static final Map<String, Long> RATE_UNITS = Map.of("bit", 1L, "kbit", 1_000L, "mbit", 1_000_000L,
            "gbit", 1_000_000_000L, "tbit", 1_000_000_000_000L);
    private static final Map<String, Long> DELAY_UNITS = Map.of("s", 1_000_000_000L, "ms", 1_000_000L, "us", 1_000L,
            "ns", 1L);
    private static final String FORMS = "loopback, or shaped:<rate>[:<delay>] such as shaped:1gbit:0.1ms "
            + "(rate units bit, kbit, mbit, gbit, tbit; delay units s, ms, us, ns)";

    public LinkSpec {
        if (rateBitsPerSecond < 0 || (rateBitsPerSecond > 0 && rateBitsPerSecond < 8_000)) {
            throw new InvalidInputException("link rate = " + rateBitsPerSecond + " bit/s: must be 0 (loopback) or "
                    + "at least 8kbit");
        }
        if (delayNanos < 0 || delayNanos > 10_000_000_000L) {
            throw new InvalidInputException("link delay = " + delayNanos + " ns: must be in [0, 10s]");
        }
        if (rateBitsPerSecond == 0 && delayNanos != 0) {
            throw new InvalidInputException("link delay = " + delayNanos + " ns: loopback has no delay");
        }
    }

    /** Reads {@code loopback} or {@code shaped:<rate>[:<delay>]}. */
    public static LinkSpec parse(String text) {
        String link = text.trim().toLowerCase(Locale.ROOT);
        if (link.equals("loopback")) {
            return LOOPBACK;
        }
        Matcher shaped = SHAPED.matcher(link);
        if (!shaped.matches()) {
            throw new InvalidInputException("--link = " + text + ": expected " + FORMS);
        }
        long rate = amount(text, shaped.group(1), RATE_UNITS);
        if (rate == 0) {
            throw new InvalidInputException("--link = " + text + ": a shaped link needs a rate above 0; expected "
                    + FORMS);
        }
        long delay = shaped.group(2) == null ? 0 : amount(text, shaped.group(2), DELAY_UNITS);
        return new LinkSpec(link, rate, delay);
    }

    /** Whether the ranks talk over loopback rather than shaped links. */
    public boolean isLoopback() {
        return rateBitsPerSecond == 0;
    }

    @Override
    public String toString() {
        return text;
    }

    private static long amount(String text, String amount, Map<String, Long> units) {
        Matcher matcher = AMOUNT.matcher(amount);
        boolean zero = matcher.matches() && new BigDecimal(matcher.group(1)).signum() == 0;
        Long unit = matcher.matches() ? units.get(matcher.group(2)) : null;
        if (unit == null && !(zero && matcher.group(2).isEmpty())) {
            throw new InvalidInputException("--link = " + text + ": cannot read '" + amount + "'; expected " + FORMS);
        }
        try {
            return unit == null ? 0 : new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unit))
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidInputException("--link = " + text + ": '" + amount + "' is not a whole number of "
                    + "bits per second or nanoseconds, or is too large", e);
        }
    }
}
