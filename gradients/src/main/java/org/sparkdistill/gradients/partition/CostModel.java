package org.sparkdistill.gradients.partition;

/**
 * The predicted time of one all-reduce of {@code bytes} bytes: {@code alpha + beta · bytes} seconds, the latency and
 * inverse-bandwidth model of Hockney (1994) as used by MG-WFBP (Shi et al., 2019).
 */
public record CostModel(double alphaSeconds, double betaSecondsPerByte) {
    public CostModel {
        if (!(alphaSeconds >= 0) || !(betaSecondsPerByte >= 0)) {
            throw new IllegalArgumentException("a cost model needs alpha >= 0 and beta >= 0, not " + alphaSeconds
                    + " and " + betaSecondsPerByte);
        }
    }

    /** The predicted seconds of an all-reduce of {@code bytes} bytes. */
    public double seconds(long bytes) {
        return alphaSeconds + betaSecondsPerByte * bytes;
    }
}
