package org.sparkdistill.gradients.partition;

/** Checks per-layer backward times before anything is computed from them. */
final class BackwardTimes {
    private BackwardTimes() {
    }

    /**
     * Refuses {@code seconds} unless it holds one finite, non-negative time per layer.
     *
     * @param name what the array is called in the error message
     * @param layers the number of layers it must cover
     */
    static void requireValid(String name, double[] seconds, int layers) {
        if (seconds == null) {
            throw new IllegalArgumentException(name + " must not be null; it needs one time per layer (" + layers + ")");
        }
        if (seconds.length != layers) {
            throw new IllegalArgumentException(name + " has " + seconds.length + " entries but there are " + layers
                    + " layers; it needs one time per layer");
        }
        for (int k = 0; k < layers; k++) {
            double t = seconds[k];
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException(name + "[" + k + "] is " + t
                        + "; a backward time must be a finite number of seconds >= 0");
            }
        }
    }
}
