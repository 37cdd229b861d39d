package org.sparkdistill.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One student step's input in off-heap buffers: features, one-hot labels and, once the teacher stage has run, the
 * labels the student trains on with the step's temperature and distillation weight.
 *
 * @param request the rows and step this batch is for
 * @param buffers where the arrays live; {@link #release()} gives them back
 * @param targets the student's labels: the one-hot labels when α = 0, else labels and soft targets side by side;
 *     null until the teacher stage
 * @param temperature the step's softening temperature
 * @param alpha the step's distillation weight
 */
public record MiniBatch(BatchRequest request, BatchBuffers.Set buffers, INDArray targets, double temperature,
                        double alpha) {

    /** A batch of features and labels with no targets yet. */
    public static MiniBatch of(BatchRequest request, BatchBuffers.Set buffers) {
        return new MiniBatch(request, buffers, null, Double.NaN, Double.NaN);
    }

    public INDArray features() {
        return buffers.features();
    }

    public INDArray labels() {
        return buffers.labels();
    }

    /** This batch with the student's targets for the given temperature and weight. */
    public MiniBatch withTargets(INDArray studentTargets, double temperature, double alpha) {
        return new MiniBatch(request, buffers, studentTargets, temperature, alpha);
    }

    /** Gives the buffers back; the batch must not be used afterwards. */
    public void release() {
        buffers.release();
    }

    @Override
    public String toString() {
        return request.toString();
    }
}
