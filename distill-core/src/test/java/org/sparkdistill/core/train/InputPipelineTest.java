package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.gradients.testing.ArrayAssertions.assertIdentical;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.PipelineException;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;

/** The student trained through the input pipeline: same result with it on or off, errors named, nothing left running. */
class InputPipelineTest {
    private static final Examples DATA = CheckpointsTest.randomExamples("train", 100, 1L);
    private static final Examples HELD_OUT = CheckpointsTest.randomExamples("held-out", 30, 2L);

    private static List<String> livePipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("spark-distill-pipeline-")).toList();
    }

    private static Teacher teacher() {
        return Dl4jTeacher.of("teacher", Networks.mlp(CheckpointsTest.FEATURES, List.of(10), CheckpointsTest.CLASSES,
                UpdaterKind.ADAM.withLearningRate(0.01), 5L));
    }

    private static List<EpochMetrics> train(MultiLayerNetwork student, int depth, Teacher teacher) {
        TeacherEnsemble ensemble = TeacherEnsemble.of(List.of(teacher), EnsembleWeighting.UNIFORM);
        return new DistillationTrainer(CheckpointsTest.plan().withPipelineDepth(depth), ensemble,
                Evaluator.withTeacher(HELD_OUT, ensemble)).train(student, DATA);
    }

    @Test
    void pipelinedTrainingGivesTheSameParametersAsTrainingWithoutThePipeline() {
        MultiLayerNetwork inline = CheckpointsTest.student();
        train(inline, 0, teacher());
        for (int depth : new int[] {1, 2, 4}) {
            MultiLayerNetwork pipelined = CheckpointsTest.student();
            train(pipelined, depth, teacher());
            assertIdentical(inline.params(), pipelined.params(), "parameters, depth " + depth);
        }
        assertEquals(List.of(), livePipelineThreads());
    }

    @Test
    void everyEpochReportsItsStagesTimes() {
        List<EpochMetrics> history = train(CheckpointsTest.student(), 2, teacher());
        assertEquals(3, history.size());
        for (EpochMetrics epoch : history) {
            PipelineMetrics pipeline = epoch.pipeline();
            assertEquals(2, pipeline.depth());
            assertEquals(List.of("decode", "batch", "teacher", "student"),
                    pipeline.stages().stream().map(StageTimes::stage).toList());
            // 100 rows in batches of 16: 7 steps an epoch.
            pipeline.stages().forEach(stage -> assertEquals(7, stage.items(), stage.stage()));
            assertTrue(pipeline.student().busySeconds() > 0);
            assertTrue(pipeline.dataStallFraction() >= 0 && pipeline.dataStallFraction() < 1);
        }
    }

    @Test
    void aTeacherThatFailsMidEpochFailsTheStepWithTheStageNamed() {
        for (int depth : new int[] {0, 2}) {
            Teacher real = teacher();
            Teacher failing = new Teacher() {
                private int calls;

                @Override
                public String name() {
                    return "failing";
                }

                @Override
                public INDArray logits(INDArray features) {
                    // Seven steps in the first epoch and its evaluation come before the tenth call.
                    if (++calls == 10) {
                        throw new IllegalStateException("teacher blew up");
                    }
                    return real.logits(features);
                }
            };
            PipelineException e = assertThrows(PipelineException.class,
                    () -> train(CheckpointsTest.student(), depth, failing));
            assertEquals("teacher", e.stage());
            assertTrue(e.getMessage().contains("teacher blew up") && e.getMessage().contains("(epoch 2, batch "),
                    e.getMessage());
            assertEquals(List.of(), livePipelineThreads(), "depth " + depth);
        }
    }
}
