package org.sparkdistill.core.metrics;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.Examples;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.train.Batches;

/**
 * Scores a student on held-out examples, against their labels and, when given, a reference teacher ensemble.
 *
 * <p>The teacher's predictions are computed once, when the evaluator is made, and reused for every evaluation.
 * Not thread-safe.
 */
public final class Evaluator {
    private static final int BATCH = 2048;

    private final Examples heldOut;
    private final float[] teacherProbabilities;

    private Evaluator(Examples heldOut, float[] teacherProbabilities) {
        heldOut.requireLabelled("test accuracy");
        this.heldOut = heldOut;
        this.teacherProbabilities = teacherProbabilities;
    }

    /** An evaluator against labels only. */
    public static Evaluator labelsOnly(Examples heldOut) {
        return new Evaluator(heldOut, null);
    }

    /** An evaluator that also measures agreement with, and divergence from, the ensemble at T = 1. */
    public static Evaluator withTeacher(Examples heldOut, TeacherEnsemble teacher) {
        return new Evaluator(heldOut, predict(heldOut, (x, y) -> teacher.softTargets(x, y, 1.0)));
    }

    /** Measures a student whose output layer is softmax; {@code trainLoss}, {@code epoch}, {@code step} and {@code seconds} are passed through. */
    public EpochMetrics evaluate(Model student, int epoch, long step, double trainLoss, double seconds) {
        HeldOutScores scores = score(student);
        return new EpochMetrics(epoch, step, trainLoss, scores.accuracy(), scores.agreement(), scores.teacherKl(),
                scores.ece(), seconds);
    }

    /** Everything measured of a student whose output layer is softmax, against the labels and the teachers. */
    public HeldOutScores score(Model student) {
        return scores(predict(heldOut, (x, y) -> output(student, x)));
    }

    /** Everything measured of one teacher's softmax at T = 1, against the labels and the ensemble. */
    public HeldOutScores score(Teacher teacher) {
        return scores(predict(heldOut, (x, y) -> Transforms.softmax(teacher.logits(x), false)));
    }

    private HeldOutScores scores(float[] probabilities) {
        return HeldOutScores.of(probabilities, teacherProbabilities, heldOut.numClasses(), heldOut.labels());
    }

    /** The output of {@code student}, a MultiLayerNetwork or a single-output ComputationGraph, at inference. */
    public static INDArray output(Model student, INDArray features) {
        if (student instanceof MultiLayerNetwork network) {
            return network.output(features, false);
        }
        if (student instanceof ComputationGraph graph) {
            return graph.outputSingle(false, features);
        }
        throw new IllegalArgumentException("a student must be a MultiLayerNetwork or a ComputationGraph, not "
                + student.getClass().getName());
    }

    private interface BatchPredictor {
        INDArray probabilities(INDArray features, INDArray oneHot);
    }

    private static float[] predict(Examples examples, BatchPredictor predictor) {
        int classes = examples.numClasses();
        float[] out = new float[examples.size() * classes];
        int[] order = Batches.inOrder(examples.size());
        for (int from = 0; from < examples.size(); from += BATCH) {
            int to = Math.min(examples.size(), from + BATCH);
            INDArray probabilities = predictor.probabilities(Batches.features(examples, order, from, to),
                    Batches.oneHot(examples, order, from, to));
            // DL4J often returns 'f'-ordered arrays; a 'c'-ordered copy makes the buffer row-major.
            float[] batch = probabilities.castTo(DataType.FLOAT).dup('c').data().asFloat();
            System.arraycopy(batch, 0, out, from * classes, batch.length);
        }
        return out;
    }
}
