package untrusted;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A class that records its own initialisation: its static initialiser creates the file named by the system property
 * {@value #MARKER_PROPERTY}. Serializable, so that a crafted serialized object can name it, and outside the project's
 * packages, so that a model zip may not name it.
 */
public final class ClassLoadingMarker implements Serializable {
    public static final String MARKER_PROPERTY = "marker.file";
    private static final long serialVersionUID = 1L;

    static {
        try {
            Files.createFile(Path.of(System.getProperty(MARKER_PROPERTY)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
