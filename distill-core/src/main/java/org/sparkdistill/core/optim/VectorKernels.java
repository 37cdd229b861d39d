package org.sparkdistill.core.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The update rules over the flat arrays in place, as the JDK's Vector API's vectors of the processor's preferred width.
 *
 * <p>Each lane goes through the operations of the rule's tile form in the same order (multiplications and additions
 * stay separate, as Java's scalar arithmetic keeps them), so the two forms give the same bits. Load this class only
 * where {@link Vectorization#VECTOR_API} is available: it links against module {@value Vectorization#MODULE}.
 * Every method takes a range whose length is a multiple of {@link #lanes()}.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorKernels() {}

    /** Floats per vector on this processor. */
    static int lanes() {
        return FLOATS.length();
    }

    static void adam(AdamRule.Step step, FlatArrays arrays, int from, int to) {
        ByteBuffer g = arrays.gradient();
        ByteBuffer p = arrays.params();
        ByteBuffer m = arrays.first();
        ByteBuffer v = arrays.second();
        float by = step.divisor();
        float b1 = step.beta1();
        float b2 = step.beta2();
        float oneMinusB1 = 1f - b1;
        float oneMinusB2 = 1f - b2;
        float eps = step.epsilon();
        float size = step.stepSize();
        int lanes = FLOATS.length();
        for (int i = from; i < to; i += lanes) {
            int at = i * Float.BYTES;
            FloatVector gi = FloatVector.fromByteBuffer(FLOATS, g, at, ORDER).div(by);
            FloatVector mi = FloatVector.fromByteBuffer(FLOATS, m, at, ORDER).mul(b1).add(gi.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromByteBuffer(FLOATS, v, at, ORDER).mul(b2).add(gi.mul(gi).mul(oneMinusB2));
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
            pi.sub(mi.mul(size).div(vi.sqrt().add(eps))).intoByteBuffer(p, at, ORDER);
        }
    }

    static void nesterovs(NesterovsRule.Step step, FlatArrays arrays, int from, int to) {
        ByteBuffer g = arrays.gradient();
        ByteBuffer p = arrays.params();
        ByteBuffer v = arrays.first();
        float by = step.divisor();
        float lr = step.learningRate();
        float mu = step.momentum();
        float minusOneMinusMu = -mu - 1f;
        int lanes = FLOATS.length();
        for (int i = from; i < to; i += lanes) {
            int at = i * Float.BYTES;
            FloatVector previous = FloatVector.fromByteBuffer(FLOATS, v, at, ORDER).mul(mu);
            FloatVector gi = FloatVector.fromByteBuffer(FLOATS, g, at, ORDER).div(by);
            FloatVector vi = previous.sub(gi.mul(lr));
            vi.intoByteBuffer(v, at, ORDER);
            FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
            pi.sub(previous.add(vi.mul(minusOneMinusMu))).intoByteBuffer(p, at, ORDER);
        }
    }

    static void sgd(SgdRule.Step step, FlatArrays arrays, int from, int to) {
        ByteBuffer g = arrays.gradient();
        ByteBuffer p = arrays.params();
        float by = step.divisor();
        float lr = step.learningRate();
        int lanes = FLOATS.length();
        for (int i = from; i < to; i += lanes) {
            int at = i * Float.BYTES;
            FloatVector gi = FloatVector.fromByteBuffer(FLOATS, g, at, ORDER).div(by);
            FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, ORDER);
            pi.sub(gi.mul(lr)).intoByteBuffer(p, at, ORDER);
        }
    }
}
