package org.sparkdistill.core.train;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint store contract on the local file system. */
class LocalCheckpointStoreTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStore emptyStore() {
        return new LocalCheckpointStore(dir.resolve("checkpoints"));
    }
}
