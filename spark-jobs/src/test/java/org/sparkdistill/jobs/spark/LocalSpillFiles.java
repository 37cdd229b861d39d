package org.sparkdistill.jobs.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;

/** The spill files in this JVM's block manager directories, where local mode's tasks write them. */
public final class LocalSpillFiles {
    private LocalSpillFiles() {}

    public static List<Path> list() {
        List<Path> found = new ArrayList<>();
        for (File directory : SparkEnv.get().blockManager().diskBlockManager().localDirs()) {
            try (Stream<Path> files = Files.walk(directory.toPath())) {
                files.filter(p -> p.getFileName().toString().endsWith(".spill")).forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }
}
