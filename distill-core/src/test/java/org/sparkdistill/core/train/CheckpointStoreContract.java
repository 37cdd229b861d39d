package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract every {@link CheckpointStore} must satisfy; subclasses give a fresh, empty store per test. */
public abstract class CheckpointStoreContract {

    /** A new store over an empty directory. */
    protected abstract CheckpointStore emptyStore();

    @Test
    void aPublishedFolderListsAndReadsBack() throws IOException {
        CheckpointStore store = emptyStore();
        store.publish("step-000000000002", sink -> write(sink, "a.txt", "alpha"));
        store.publish("step-000000000001", sink -> {
            write(sink, "a.txt", "one");
            write(sink, "b.txt", "two");
        });
        assertEquals(List.of("step-000000000001", "step-000000000002"), store.folders());
        assertEquals("two", read(store, "step-000000000001", "b.txt"));
        assertEquals("alpha", read(store, "step-000000000002", "a.txt"));
    }

    @Test
    void aFolderWhoseWriterFailsNeverAppears() {
        CheckpointStore store = emptyStore();
        assertThrows(IllegalStateException.class, () -> store.publish("step-000000000005", sink -> {
            write(sink, "a.txt", "partial");
            throw new IllegalStateException("the writer failed");
        }));
        assertEquals(List.of(), store.folders());
    }

    @Test
    void republishingAFolderReplacesIt() throws IOException {
        CheckpointStore store = emptyStore();
        store.publish("step-000000000003", sink -> write(sink, "a.txt", "first"));
        store.publish("step-000000000003", sink -> write(sink, "a.txt", "second"));
        assertEquals(List.of("step-000000000003"), store.folders());
        assertEquals("second", read(store, "step-000000000003", "a.txt"));
    }

    @Test
    void anEmptyOrMissingDirectoryHasNoFolders() {
        assertEquals(List.of(), emptyStore().folders());
    }

    private static void write(CheckpointStore.FileSink sink, String file, String text) throws IOException {
        try (OutputStream out = sink.create(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(CheckpointStore store, String folder, String file) throws IOException {
        try (InputStream in = store.open(folder, file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
