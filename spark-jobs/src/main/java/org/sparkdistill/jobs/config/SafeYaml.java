package org.sparkdistill.jobs.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses YAML (and JSON) that users and other programs write into plain maps, lists and scalars, within limits that
 * keep a hostile document small: no Java types ({@link SafeConstructor}), no duplicate keys, at most
 * {@value #MAX_ALIASES} aliases of collections (an alias bomb expands exponentially), at most {@value #MAX_DEPTH}
 * levels of nesting, and at most {@value #MAX_CODE_POINTS} code points. Stateless and thread-safe.
 */
public final class SafeYaml {
    /** The most code points a document may hold: as many as the largest configuration file has bytes. */
    public static final int MAX_CODE_POINTS = ConfigLoader.MAX_FILE_BYTES;
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 50;

    private SafeYaml() {}

    /**
     * The document in {@code text}, or null for an empty one.
     *
     * @throws YAMLException when it is not YAML or exceeds a limit
     */
    public static Object load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        return new Yaml(new SafeConstructor(options)).load(text);
    }
}
