package org.sparkdistill.it;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Hadoop's local file system, except that the rename which completes a folder named by the system property
 * {@value #HALT_AFTER} never returns: it holds a {@code distill} child JVM at the moment that checkpoint exists, so a
 * test can kill the JVM after its final checkpoint and before it publishes its output, without a race.
 *
 * <p>Installed in the child with {@code -Dspark.hadoop.fs.file.impl=} this class and
 * {@code -Dspark.hadoop.fs.file.impl.disable.cache=true} (so that no file system cached before Spark's settings applied
 * is reused).
 */
public final class HaltingLocalFileSystem extends LocalFileSystem {
    static final String HALT_AFTER = "spark-distill.it.haltAfterRenameTo";

    @Override
    public boolean rename(Path source, Path target) throws IOException {
        boolean renamed = super.rename(source, target);
        if (renamed && target.getName().equals(System.getProperty(HALT_AFTER))) {
            awaitKill();
        }
        return renamed;
    }

    private static void awaitKill() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // Spark may interrupt the task thread; only the test's kill ends this JVM.
            }
        }
    }
}
