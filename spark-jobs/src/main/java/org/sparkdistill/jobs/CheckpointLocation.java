package org.sparkdistill.jobs;

import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.config.DistillConfig;

/**
 * Where a {@code distill} run keeps its checkpoints, checked against the Spark master before any Spark job runs.
 *
 * <p>Rank 0 writes checkpoints on an executor and the driver reads them, so outside local mode they must be on a file
 * system both reach. The default, {@code <output>.checkpoints} beside the output, is shared when the output is (on
 * HDFS or an object store); beside a local output ({@code file:}) it is on the driver's local disk, so a run with
 * checkpoints on a non-local master must then name {@code training.checkpointDirectory}. A directory the user names
 * is taken as given: a {@code file:} path may be a shared mount.
 */
final class CheckpointLocation {
    private CheckpointLocation() {}

    /**
     * The checkpoint directory of {@code config}'s run on {@code master}.
     *
     * @throws InvalidInputException when checkpoints are on, the master is not local and no directory is configured
     */
    static String of(DistillConfig config, String master) {
        String directory = DistillJob.checkpointDirectory(config);
        if (config.training().checkpointDirectory() == null && !master.startsWith("local")
                && directory.startsWith("file:")) {
            throw new InvalidInputException("training.checkpointEvery = " + config.training().checkpointEvery()
                    + " on Spark master " + master + " needs a checkpoint directory every executor and the driver"
                    + " reach, but the default " + directory + " is on the driver's local disk; set"
                    + " training.checkpointDirectory to a shared file system (hdfs://…, s3a://…, or a mount every node"
                    + " has), or training.checkpointEvery = 0 for no checkpoints");
        }
        return directory;
    }
}
