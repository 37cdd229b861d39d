package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.train.CheckpointStore;
import org.sparkdistill.core.train.CheckpointStoreContract;

/** The checkpoint store contract through Hadoop's file-system API, on a {@code file://} URI. */
class HadoopCheckpointStoreTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStore emptyStore() {
        return HadoopCheckpointStore.of(dir.resolve("checkpoints").toUri().toString(), new Configuration());
    }

    @Test
    void aStoreSentToAnExecutorSeesTheSameFolders() throws IOException, ClassNotFoundException {
        CheckpointStore store = emptyStore();
        store.publish("step-000000000007", sink -> sink.create("a.txt").close());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(store);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(List.of("step-000000000007"), ((CheckpointStore) in.readObject()).folders());
        }
    }
}
