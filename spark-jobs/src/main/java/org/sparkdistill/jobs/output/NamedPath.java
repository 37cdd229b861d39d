package org.sparkdistill.jobs.output;

/**
 * A path by the name the user gave it under: a configuration key such as {@code data.train} or a flag such as
 * {@code --input}.
 *
 * @param name the key or flag, for messages
 * @param path a local path or a Hadoop URI, as given
 */
public record NamedPath(String name, String path) {}
