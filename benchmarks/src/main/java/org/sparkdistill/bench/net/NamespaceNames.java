package org.sparkdistill.bench.net;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of one network's namespaces: {@code sd-<pid>-<n>-hub} for the bridge and {@code sd-<pid>-<n>-<rank>} for
 * each rank, where {@code pid} owns them and {@code n} counts the networks that process made.
 *
 * @param ownerPid process that makes and deletes the namespaces
 * @param sequence which of that process's networks
 */
record NamespaceNames(long ownerPid, int sequence) {
    private static final Pattern NAME = Pattern.compile("sd-(\\d+)-\\d+-(?:hub|\\d+)");

    /** The bridge's namespace. */
    String hub() {
        return prefix() + "hub";
    }

    /** The namespace of {@code rank}. */
    String rank(int rank) {
        return prefix() + rank;
    }

    /** The process that owns a namespace named by this scheme; empty for any other name. */
    static OptionalLong owner(String namespace) {
        Matcher matcher = NAME.matcher(namespace);
        return matcher.matches() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    private String prefix() {
        return "sd-" + ownerPid + "-" + sequence + "-";
    }
}
