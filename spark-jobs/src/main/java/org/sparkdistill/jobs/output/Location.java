package org.sparkdistill.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * A path as given (a local path or a Hadoop URI) and where it really is, for deciding whether two paths overlap.
 *
 * <p>A local path, or a {@code file:} URI, is made absolute and normalized, and the symbolic links of the part of it
 * that exists are resolved: a path reached through a link to an input is that input. Any other URI
 * ({@code hdfs://…}, {@code s3a://…}) is compared by scheme, authority and normalized path, with scheme and authority
 * in lower case.
 *
 * @param given the path as the user wrote it, for messages
 * @param scheme {@code file} for a local path, else the URI's scheme in lower case
 * @param authority the URI's authority in lower case, empty for a local path
 * @param path the absolute, normalized path; for a local path the real one as far as it exists
 */
public record Location(String given, String scheme, String authority, Path path) {
    private static final String LOCAL = "file";
    /** A URI's scheme: a letter, then letters, digits, '+', '-' or '.', then a colon (RFC 3986). */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    /** Where {@code text} (a local path or a URI) is. */
    public static Location of(String text) {
        if (hasScheme(text)) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new InvalidInputException("path " + text + " is not a valid URI: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals(LOCAL)) {
                return new Location(text, LOCAL, "", real(Path.of(uri.getPath() == null ? "/" : uri.getPath())));
            }
            String authority = uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            return new Location(text, scheme, authority, Path.of("/").resolve(path).normalize());
        }
        return new Location(text, LOCAL, "", real(Path.of(text)));
    }

    /** Where {@code path} is, as resolved on its file system, described by the path as the user gave it. */
    public static Location of(StoragePath path) {
        Location resolved = of(path.uri());
        return new Location(path.given(), resolved.scheme, resolved.authority, resolved.path);
    }

    /** True when {@code text} starts with a URI scheme, such as {@code hdfs:}. */
    public static boolean hasScheme(String text) {
        return SCHEME.matcher(text).matches();
    }

    /** True when this is on the local file system. */
    public boolean isLocal() {
        return scheme.equals(LOCAL);
    }

    /** True when {@code other} is this location or lies inside it. */
    public boolean contains(Location other) {
        return scheme.equals(other.scheme) && authority.equals(other.authority) && other.path.startsWith(path);
    }

    /** The path as given and, when it differs, where it really is. */
    public String describe() {
        String resolved = isLocal() ? path.toString() : scheme + "://" + authority + path;
        return given.equals(resolved) ? given : given + " (" + resolved + ")";
    }

    /**
     * {@code path} made absolute and normalized, with the symbolic links of its longest existing ancestor resolved
     * and the rest appended.
     */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("could not resolve the path " + existing, e);
        }
    }
}
