package org.sparkdistill.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The release of spark-distill that is running: the {@code Implementation-Version} of the jar's manifest, or, run from
 * classes (the {@code distill} launcher, tests), the version the build wrote into {@value #RESOURCE}.
 */
public final class ReleaseVersion {
    static final String RESOURCE = "release.properties";

    private ReleaseVersion() {}

    /** The running release, such as {@code 0.1.0}. */
    public static String current() {
        String manifest = ReleaseVersion.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : fromResource();
    }

    private static String fromResource() {
        try (InputStream in = ReleaseVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + ReleaseVersion.class.getName()
                        + ": the build writes it");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }
}
