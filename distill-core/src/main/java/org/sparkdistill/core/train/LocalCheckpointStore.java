package org.sparkdistill.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.sparkdistill.core.io.AtomicDirectory;

/** Checkpoint folders in a directory of the local file system, each published (and replaced) through {@link AtomicDirectory}. */
public final class LocalCheckpointStore implements CheckpointStore {
    private final Path directory;

    public LocalCheckpointStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public void publish(String name, FolderWriter writer) {
        AtomicDirectory.replace(directory.resolve(name), folder -> writer.write(file -> Files.newOutputStream(folder.resolve(file))));
    }

    @Override
    public List<String> folders() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list checkpoints in " + directory, e);
        }
    }

    @Override
    public InputStream open(String name, String file) throws IOException {
        return Files.newInputStream(directory.resolve(name).resolve(file));
    }

    @Override
    public String locate(String name) {
        return directory.resolve(name).toString();
    }
}
