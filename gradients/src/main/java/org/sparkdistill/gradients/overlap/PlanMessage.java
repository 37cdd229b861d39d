package org.sparkdistill.gradients.overlap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.partition.BucketPlan;

/** Sends rank 0's bucket plan to every rank, so all adopt the same plan at the same step. */
final class PlanMessage {
    private PlanMessage() {}

    /**
     * Returns rank 0's {@code plan} on every rank; every rank must call this at the same point.
     *
     * @param plan the plan on rank 0; ignored on the others
     * @param layers the number of layers every plan covers
     */
    static BucketPlan agree(Communicator group, BucketPlan plan, int layers) {
        if (group.size() == 1) {
            return plan;
        }
        // The count of buckets, then their ends, as doubles: exact for any layer count.
        try (INDArray message = Nd4j.zeros(DataType.DOUBLE, layers + 1)) {
            if (group.rank() == 0) {
                int[] ends = plan.ends();
                message.putScalar(0, ends.length);
                for (int b = 0; b < ends.length; b++) {
                    message.putScalar(b + 1, ends[b]);
                }
            }
            group.broadcast(message, 0);
            int[] ends = new int[(int) message.getDouble(0)];
            for (int b = 0; b < ends.length; b++) {
                ends[b] = (int) message.getDouble(b + 1);
            }
            return BucketPlan.ofEnds(ends);
        }
    }
}
