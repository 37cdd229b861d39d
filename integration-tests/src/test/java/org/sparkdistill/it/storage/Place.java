package org.sparkdistill.it.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * A fresh, empty directory on one file system, for tests that must hold on every file system alike.
 *
 * @param name the file system, as test names show it
 * @param root the directory
 * @param conf the settings that reach it
 */
record Place(String name, StoragePath root, Configuration conf) {
    /** A new directory under {@code base} (a local path or a URI). */
    static Place under(String name, String base, Configuration conf) {
        StoragePath root = StoragePath.of(base + "/" + UUID.randomUUID().toString().substring(0, 8), conf);
        try {
            root.mkdirs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Place(name, root, conf);
    }

    /** A new local directory under the build's test work directory. */
    static Place local() {
        try {
            java.nio.file.Path base = java.nio.file.Path.of(System.getProperty("test.work.dir", "target/test-work"))
                    .toAbsolutePath();
            Files.createDirectories(base);
            return under("local", base.toString(), new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    StoragePath at(String relative) {
        return StoragePath.of(root.uri() + "/" + relative, conf);
    }

    /** The names in {@code directory}, sorted. */
    static List<String> listing(StoragePath directory) {
        return directory.list().stream().map(StoragePath::name).toList();
    }

    static String read(StoragePath file) {
        return file.readText(1 << 20, "test file");
    }

    @Override
    public String toString() {
        return name;
    }
}
