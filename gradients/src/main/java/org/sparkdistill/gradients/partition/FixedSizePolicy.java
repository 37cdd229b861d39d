package org.sparkdistill.gradients.partition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Buckets filled to a size cap, as PyTorch's DistributedDataParallel builds them (Li et al., "PyTorch Distributed:
 * Experiences on Accelerating Data Parallel Training", VLDB 2020; {@code compute_bucket_assignment_by_size}).
 *
 * <p>Layers go in backward order into the open bucket; the bucket is closed as soon as its size reaches its cap, so it
 * may pass the cap by less than its last layer. The first bucket's cap is {@value #FIRST_BUCKET_BYTES} bytes (1 MiB,
 * DDP's {@code _DEFAULT_FIRST_BUCKET_BYTES}) so that communication starts early; every later bucket's cap is
 * {@code capMiB} MiB (DDP's {@code bucket_cap_mb}, 25 by default). Layers of length 0 left after the last closed
 * bucket join it rather than make an empty bucket, since DDP buckets only parameters.
 *
 * @param capMiB the cap of every bucket after the first, in MiB (2^20 bytes); positive
 */
public record FixedSizePolicy(double capMiB) implements PartitionPolicy {
    /** The configuration name's prefix: {@code fixed:25} is this policy with a 25 MiB cap. */
    public static final String PREFIX = "fixed:";
    /** PyTorch DDP's default {@code bucket_cap_mb}. */
    public static final double DDP_DEFAULT_CAP_MIB = 25;
    public static final long FIRST_BUCKET_BYTES = 1L << 20;

    public FixedSizePolicy {
        if (!(capMiB > 0) || Double.isInfinite(capMiB)) {
            throw new IllegalArgumentException("the bucket cap of " + PREFIX + "<MB> must be a positive number of MiB, not "
                    + capMiB);
        }
    }

    /** The cap of every bucket after the first, in bytes, rounded down as DDP does, and at least 1. */
    public long capBytes() {
        return Math.max(1, (long) (capMiB * (1 << 20)));
    }

    /** {@code fixed:} and the cap in MiB without trailing zeros, for example {@code fixed:25} or {@code fixed:2.5}. */
    @Override
    public String name() {
        return PREFIX + BigDecimal.valueOf(capMiB).stripTrailingZeros().toPlainString();
    }

    @Override
    public BucketPlan plan(GradientLayout layout, double[] backwardSeconds, CostModel cost) {
        List<Integer> ends = new ArrayList<>();
        long cap = FIRST_BUCKET_BYTES;
        long filled = 0;
        for (int k = 0; k < layout.layers(); k++) {
            filled += layout.rangeBytes(k, k);
            if (filled >= cap) {
                ends.add(k + 1);
                filled = 0;
                cap = capBytes();
            }
        }
        int layers = layout.layers();
        if (ends.isEmpty()) {
            ends.add(layers);
        } else if (ends.get(ends.size() - 1) != layers) {
            if (filled == 0) {
                ends.set(ends.size() - 1, layers);
            } else {
                ends.add(layers);
            }
        }
        return BucketPlan.ofEnds(ends.stream().mapToInt(Integer::intValue).toArray());
    }
}
