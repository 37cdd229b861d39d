package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.data.ShardBuilder;
import org.sparkdistill.core.data.ShuffleOrder;
import org.sparkdistill.core.data.SpilledShard;
import org.sparkdistill.core.metrics.EpochMetrics;

/** Training on a shard spilled to disk takes exactly the steps training on the same rows in memory takes. */
class SpilledTrainingTest {
    private static final Examples DATA = CheckpointsTest.randomExamples("train", 203, 1L);
    private static final Examples HELD_OUT = CheckpointsTest.randomExamples("held-out", 30, 2L);
    private static final ShuffleOrder ORDER = new ShuffleOrder(8, 24);
    private static final long ROW_BYTES = 4 * (CheckpointsTest.FEATURES + 1);

    @TempDir
    Path spill;

    private Shard shard(long budget) {
        try (ShardBuilder builder = new ShardBuilder("train", DATA.shape(), DATA.numClasses(), ORDER, budget, spill)) {
            for (int i = 0; i < DATA.size(); i++) {
                builder.add(DATA.row(i), DATA.labels()[i]);
            }
            return builder.build();
        }
    }

    private static List<EpochMetrics> train(MultiLayerNetwork student, Shard shard, TrainingPlan plan,
            TrainingProgress from, Checkpoints checkpoints) {
        return CheckpointsTest.trainer(plan, HELD_OUT).train(student, shard, from, checkpoints);
    }

    @Test
    void aSpilledShardTrainsToTheParametersOfTheSameRowsInMemory() throws IOException {
        for (int depth : new int[] {0, 2}) {
            TrainingPlan plan = CheckpointsTest.plan().withPipelineDepth(depth);
            MultiLayerNetwork inMemory = CheckpointsTest.student();
            List<EpochMetrics> expected;
            try (Shard shard = InMemoryShard.of(DATA, ORDER)) {
                expected = train(inMemory, shard, plan, TrainingProgress.START, null);
            }
            for (long budget : new long[] {0, 100 * ROW_BYTES}) {
                MultiLayerNetwork spilled = CheckpointsTest.student();
                List<EpochMetrics> reported;
                try (Shard shard = shard(budget)) {
                    assertInstanceOf(SpilledShard.class, shard);
                    reported = train(spilled, shard, plan, TrainingProgress.START, null);
                }
                String what = "depth " + depth + ", budget " + budget;
                assertIdentical(inMemory.params(), spilled.params(), "parameters, " + what);
                assertEquals(CheckpointsTest.deterministicPart(expected), CheckpointsTest.deterministicPart(reported),
                        what);
            }
        }
        assertEquals(0, count(spill));
    }

    @Test
    void theTrainerVisitsRowsInTheShardsOrder() {
        MultiLayerNetwork blocks = CheckpointsTest.student();
        MultiLayerNetwork rows = CheckpointsTest.student();
        try (Shard ordered = InMemoryShard.of(DATA, ORDER); Shard other = InMemoryShard.of(DATA, new ShuffleOrder(1, 1))) {
            train(blocks, ordered, CheckpointsTest.plan(), TrainingProgress.START, null);
            train(rows, other, CheckpointsTest.plan(), TrainingProgress.START, null);
        }
        assertFalse(blocks.params().equals(rows.params()), "another order takes other steps");
    }

    @Test
    void resumingMidEpochOnASpilledShardContinuesTheSameTrajectory() throws IOException {
        TrainingPlan plan = CheckpointsTest.plan();
        MultiLayerNetwork uninterrupted = CheckpointsTest.student();
        List<EpochMetrics> expected;
        try (Shard shard = shard(0)) {
            expected = train(uninterrupted, shard, plan, TrainingProgress.START, null);
        }
        Checkpoints checkpoints = new Checkpoints(spill.resolve("checkpoints"));
        try (Shard shard = shard(0)) {
            train(CheckpointsTest.student(), shard, plan, TrainingProgress.START, checkpoints);
        }
        // 13 steps per epoch: step 20 is batch 7 of the second epoch, step 35 batch 9 of the third.
        for (String name : new String[] {"step-000000000020", "step-000000000035"}) {
            Checkpoints.Checkpoint middle = checkpoints.read(name);
            assertFalse(middle.state().batch() == 0, name + " lies inside an epoch");
            MultiLayerNetwork resumed = CheckpointsTest.student();
            List<EpochMetrics> reported;
            try (Shard shard = shard(0)) {
                reported = CheckpointsTest.trainer(plan, HELD_OUT).resume(checkpoints.restore(middle), resumed, shard,
                        middle.progress(), null, Replica.alone(shard.size()));
            }
            assertIdentical(uninterrupted.params(), resumed.params(), "parameters resumed from " + name);
            assertEquals(CheckpointsTest.deterministicPart(expected), CheckpointsTest.deterministicPart(reported),
                    name);
        }
        try (Stream<Path> files = Files.list(spill)) {
            assertEquals(List.of(spill.resolve("checkpoints")), files.toList(), "no spill file is left");
        }
    }

    private static long count(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
