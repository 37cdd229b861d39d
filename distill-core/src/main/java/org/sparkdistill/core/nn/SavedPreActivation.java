package org.sparkdistill.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer's pre-activation from its last training forward pass, kept for the backward pass of that same pass: it
 * serves only while the layer's input is still the array it was computed from, and only once.
 */
final class SavedPreActivation {
    private INDArray preActivation;
    private INDArray input;

    /** Keeps {@code preActivation}, computed from {@code input}, in place of anything kept before. */
    void keep(INDArray preActivation, INDArray input) {
        this.preActivation = preActivation;
        this.input = input;
    }

    /** The kept pre-activation of {@code currentInput}, forgotten as it is handed out; null when none is kept. */
    INDArray takeFor(INDArray currentInput) {
        INDArray kept = input == currentInput ? preActivation : null;
        forget();
        return kept;
    }

    /** Drops whatever is kept. */
    void forget() {
        preActivation = null;
        input = null;
    }
}
