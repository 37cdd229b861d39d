package org.sparkdistill.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.objective.BatchSignals;

/**
 * One student step's input: features and one-hot labels in off-heap buffers and, once the teacher stage has run, the
 * signals the student's heads learn from at this step.
 *
 * @param request the rows and step this batch is for
 * @param buffers where the arrays live; {@link #release()} gives them back
 * @param signals the labels, soft targets, teacher outputs, temperature and distillation weight of the step; null
 *     until the teacher stage
 */
public record MiniBatch(BatchRequest request, BatchBuffers.Set buffers, BatchSignals signals) {

    /** A batch of features and labels with no signals yet. */
    public static MiniBatch of(BatchRequest request, BatchBuffers.Set buffers) {
        return new MiniBatch(request, buffers, null);
    }

    public INDArray features() {
        return buffers.features();
    }

    public INDArray labels() {
        return buffers.labels();
    }

    /** This batch with the signals of its step. */
    public MiniBatch withSignals(BatchSignals stepSignals) {
        return new MiniBatch(request, buffers, stepSignals);
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
