package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.jobs.cache.CachedRows;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.HadoopCheckpointStore;

/** What the driver sends to every replica must survive Java serialization, the way Spark ships a task. */
class ReplicaTaskTest {
    @TempDir
    Path dir;

    @Test
    void aTaskResumingFromACheckpointSerializes() throws IOException {
        DistillSetup setup = new DistillSetup(new DatasetInfo(new int[] {1, 28, 28}, 10, 100),
                TrainingPlan.supervised(2, 16, 3L),
                new StudentSpec(List.of(8), UpdaterKind.ADAM, 0.01, UpdaterKind.LearningRateSchedule.CONSTANT),
                new TeacherSpecs(List.of(), new double[0], EnsembleWeighting.UNIFORM), false,
                new ExchangeSpec("fixed:25", 40, 10, 60), null, null,
                new CachedRows.Layout("/cache/fashion", 2, 10));
        ReplicaTask task = new ReplicaTask(setup, HadoopCheckpointStore.of(dir.toUri().toString(), new Configuration()),
                new Checkpoints.Checkpoint("step-000000000020", TrainingProgress.of(new TrainingState(20, 1, 4)), 3L),
                TcpEndpoint.newSecret(), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        assertNotNull(bytes.toByteArray());
    }
}
