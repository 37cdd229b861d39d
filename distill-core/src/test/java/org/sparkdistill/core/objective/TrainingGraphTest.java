package org.sparkdistill.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.loss.KnowledgeDistillationLoss;
import org.sparkdistill.core.loss.SoftTargets;
import org.sparkdistill.core.nn.ComputePath;
import org.sparkdistill.core.nn.SavedPreActivationConvolution;
import org.sparkdistill.core.nn.SavedPreActivationConvolutionLayer;
import org.sparkdistill.core.nn.SavedPreActivationDense;
import org.sparkdistill.core.nn.SavedPreActivationDenseLayer;
import org.sparkdistill.core.train.Networks;

class TrainingGraphTest {
    private static final long SEED = 7L;
    private static final int BATCH = 5;

    private static INDArray features() {
        Nd4j.getRandom().setSeed(11L);
        return Nd4j.rand(DataType.FLOAT, BATCH, Students.FEATURES);
    }

    private static INDArray oneHot() {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, Students.CLASSES);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, i % Students.CLASSES, 1f);
        }
        return labels;
    }

    private static INDArray softTargets() {
        Nd4j.getRandom().setSeed(12L);
        INDArray raw = Nd4j.rand(DataType.FLOAT, BATCH, Students.CLASSES).addi(0.1);
        return raw.diviColumnVector(raw.sum(true, 1));
    }

    @Test
    void knowledgeDistillationHeadsTakeTheStepsOfHintonsLossOnTheOutputLayer() {
        double temperature = 3;
        double alpha = 0.7;
        MultiLayerNetwork reference = Students.cnn(new Sgd(0.5), SEED);
        Networks.setLoss(reference, new KnowledgeDistillationLoss(temperature, alpha));
        MultiLayerNetwork student = Students.cnn(new Sgd(0.5), SEED);
        TrainingGraph graph = TrainingGraph.build(student, Students.FEATURES, Students.CLASSES,
                List.of(KnowledgeDistillation.alone()), SEED);
        BatchSignals signals = new BatchSignals(oneHot(), softTargets(), Map.of(), temperature, alpha);
        for (int step = 0; step < 3; step++) {
            reference.fit(features(), SoftTargets.pack(oneHot(), softTargets()));
            graph.graph().fit(graph.dataSet(features(), signals));
        }
        assertEquals(reference.score(), graph.graph().score(), 1e-5, "the loss of the last step");
        graph.copyToStudent();
        org.nd4j.linalg.api.buffer.DataType type = reference.params().dataType();
        assertEquals(reference.params().castTo(type), student.params(), "the student's parameters after three steps");
        assertEquals(reference.output(features()), student.output(features()));
    }

    @Test
    void aComputationGraphStudentTrainsAndSavesWithoutItsHeads() throws IOException {
        ComputationGraph student = Students.residual(new Sgd(0.1), SEED);
        TrainingGraph graph = TrainingGraph.build(student, Students.FEATURES, Students.CLASSES,
                List.of(KnowledgeDistillation.alone()), SEED);
        assertEquals(List.of("kd-soft", "kd-labels"), graph.graph().getConfiguration().getNetworkOutputs());
        INDArray before = student.params().dup();
        graph.graph().fit(graph.dataSet(features(), new BatchSignals(oneHot(), softTargets(), Map.of(), 2, 0.5)));
        graph.copyToStudent();
        assertFalse(before.equals(student.params()), "the step changed the student");
        assertEquals(graph.graph().params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
                student.numParams())), student.params(), "the student holds the graph's values of its own layers");

        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        ModelSerializer.writeModel(student, saved, false);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(saved.toByteArray()));
        assertEquals(List.of("output"), loaded.getConfiguration().getNetworkOutputs());
        assertEquals(student.outputSingle(features()), loaded.outputSingle(features()));
    }

    @Test
    void aHintOnFeatureMapsOfOtherChannelsGetsAOneByOneConvolution() {
        TeacherOutput teacher = new TeacherOutput(0, "t-conv", 6L * 6 * 6);
        TrainingGraph graph = TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES,
                Students.CLASSES, List.of(KnowledgeDistillation.alone(), new FitNetHint("conv1", teacher, 0.5)), SEED);
        ConvolutionLayer adapter = assertInstanceOf(ConvolutionLayer.class,
                graph.graph().getLayer("hint-conv1-adapter").conf().getLayer());
        assertEquals(4, adapter.getNIn());
        assertEquals(6, adapter.getNOut());
        assertEquals(List.of(teacher), graph.teacherOutputs());
        INDArray hint = Nd4j.rand(DataType.FLOAT, BATCH, 216);
        double before = Double.NaN;
        for (int step = 0; step < 20; step++) {
            graph.graph().fit(graph.dataSet(features(), new BatchSignals(oneHot(), softTargets(),
                    Map.of(teacher, hint), 2, 0.5)));
            before = Double.isNaN(before) ? graph.graph().score() : before;
        }
        assertTrue(graph.graph().score() < before, "training lowers the loss with the hint");
    }

    @Test
    void aHintOnAVectorGetsADenseRegressorAndNoneWhenWidthsAgree() {
        TrainingGraph wider = TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES,
                Students.CLASSES, List.of(KnowledgeDistillation.alone(), new FitNetHint("dense", new TeacherOutput(0, "t", 12), 1)),
                SEED);
        DenseLayer adapter = assertInstanceOf(DenseLayer.class,
                wider.graph().getLayer("hint-dense-adapter").conf().getLayer());
        assertEquals(8, adapter.getNIn());
        assertEquals(12, adapter.getNOut());
        TrainingGraph same = TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES,
                Students.CLASSES, List.of(KnowledgeDistillation.alone(), new FitNetHint("dense", new TeacherOutput(0, "t", 8), 1)),
                SEED);
        assertFalse(same.graph().getConfiguration().getVertices().containsKey("hint-dense-adapter"));
    }

    @Test
    void badStudentsAndObjectivesAreRefusedNamingTheValue() {
        List<DistillationObjective> kd = List.of(KnowledgeDistillation.alone());
        assertMessage("the student has no layer 'conv9'; its layers: conv1, pool1, dense, output",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, Students.CLASSES,
                        List.of(KnowledgeDistillation.alone(), new FitNetHint("conv9", new TeacherOutput(0, "t", 8), 1)),
                        SEED));
        assertMessage("not a multiple of the 6×6 positions",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, Students.CLASSES,
                        List.of(KnowledgeDistillation.alone(), new FitNetHint("conv1", new TeacherOutput(0, "t", 100), 1)),
                        SEED));
        assertMessage("the student outputs 3 values per example",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, 10, kd, SEED));
        assertMessage("the student cannot take input of shape [1, 10]",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), 10, Students.CLASSES, kd, SEED));
        assertMessage("two objectives are both named 'kd'",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, Students.CLASSES,
                        List.of(KnowledgeDistillation.alone(), new KnowledgeDistillation(0.5)), SEED));
        assertMessage("no objective reads the student's logits (layer 'output')",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, Students.CLASSES,
                        List.of(new FitNetHint("dense", new TeacherOutput(0, "t", 8), 1)), SEED));
        assertMessage("at least one objective",
                () -> TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES, Students.CLASSES,
                        List.of(), SEED));
    }

    @Test
    void aSavedGraphOfOtherObjectivesIsRefusedOnResume() {
        Model student = Students.cnn(new Sgd(0.1), SEED);
        ComputationGraph saved = TrainingGraph.build(student, Students.FEATURES, Students.CLASSES,
                List.of(KnowledgeDistillation.alone()), SEED).graph();
        assertMessage("the saved training graph has heads [kd-soft, kd-labels] but this student and these objectives"
                + " have heads [kd-soft, kd-labels, hint-dense]",
                () -> TrainingGraph.resume(saved, student, Students.FEATURES, Students.CLASSES,
                        List.of(KnowledgeDistillation.alone(),
                                new FitNetHint("dense", new TeacherOutput(0, "t", 8), 1)), SEED));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable run) {
        InvalidInputException e = assertThrows(InvalidInputException.class, run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theFastPathReplacesEveryPlainDenseAndConvolutionLayerAndDl4jsPathNone() {
        List<DistillationObjective> objectives = List.of(KnowledgeDistillation.alone(),
                new FitNetHint("dense", new TeacherOutput(0, "dense", 5), 0.1));
        TrainingGraph fast = TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES,
                Students.CLASSES, objectives, SEED, ComputePath.FAST_WHERE_EXACT);
        TrainingGraph dl4j = TrainingGraph.build(Students.cnn(new Sgd(0.1), SEED), Students.FEATURES,
                Students.CLASSES, objectives, SEED, ComputePath.DL4J);
        for (String dense : List.of("dense", "output", "hint-dense-adapter")) {
            assertInstanceOf(SavedPreActivationDenseLayer.class, fast.graph().getLayer(dense), dense);
            assertEquals(org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class,
                    dl4j.graph().getLayer(dense).getClass(), dense);
        }
        assertInstanceOf(SavedPreActivationConvolutionLayer.class, fast.graph().getLayer("conv1"));
        assertEquals(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                dl4j.graph().getLayer("conv1").getClass());
        assertFalse(((SavedPreActivationConvolution) fast.graph().getLayer("conv1").conf().getLayer())
                .computesInputGradient(), "conv1 reads the images, whose gradient nothing reads");
        assertTrue(((SavedPreActivationDense) fast.graph().getLayer("dense").conf().getLayer()).computesInputGradient());
        assertEquals(dl4j.graph().params(), fast.graph().params(), "the same parameters on both paths");
    }
}
