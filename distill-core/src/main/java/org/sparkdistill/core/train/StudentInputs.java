package org.sparkdistill.core.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.BatchBuffers;
import org.sparkdistill.core.data.BatchRequest;
import org.sparkdistill.core.data.DecodedRows;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.MiniBatch;
import org.sparkdistill.core.data.Pipeline;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.loss.SoftTargets;
import org.sparkdistill.core.teacher.SoftTargetSource;

/**
 * The input stages of the student step, in pipeline order: {@code decode} reads a batch's rows out of the shard,
 * {@code batch} puts them into reused off-heap arrays with one-hot labels, and {@code teacher} adds the soft targets
 * for the step's temperature and α. {@link #pipeline} chains them ahead of the student.
 */
final class StudentInputs {
    static final String DECODE = "decode";
    static final String BATCH = "batch";
    static final String TEACHER = "teacher";
    static final String STUDENT = "student";

    private final Shard data;
    private final TrainingPlan plan;
    private final long totalSteps;
    private final SoftTargetSource targets;
    private final BatchBuffers buffers;

    StudentInputs(Shard data, TrainingPlan plan, long totalSteps, SoftTargetSource targets, BatchBuffers buffers) {
        if (!plan.alpha().isConstantly(1.0)) {
            // Unlabeled rows get an all-zero one-hot row, which the loss ignores only where 1 − α is 0.
            data.requireLabelled("training with alpha below 1 (the hard-label term)");
        }
        this.data = data;
        this.plan = plan;
        this.totalSteps = totalSteps;
        this.targets = targets;
        this.buffers = buffers;
    }

    /**
     * The stages over {@code requests}, on threads of their own unless the plan's pipeline depth is 0; {@code decode}
     * reads the requested rows from {@code rows}, the epoch's reader, which must give them in the requests' order.
     */
    Pipeline<MiniBatch> pipeline(Iterator<BatchRequest> requests, Shard.EpochRows rows) {
        return Pipeline.from(requests).then(DECODE, (BatchRequest request) -> decode(request, rows))
                .then(BATCH, this::batch).then(TEACHER, this::teach).start(plan.pipelineDepth(), STUDENT);
    }

    /** The batches of {@code epoch} from {@code firstBatch} on, numbered from {@code firstStep}. */
    static Iterator<BatchRequest> requests(int[] order, int epoch, int firstBatch, int stepsPerEpoch, long firstStep,
            int batchSize, int largestShard) {
        return new Iterator<>() {
            private int batch = firstBatch;

            @Override
            public boolean hasNext() {
                return batch < stepsPerEpoch;
            }

            @Override
            public BatchRequest next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int start = batch * batchSize;
                int end = Math.min(largestShard, start + batchSize);
                int[] rows = new int[end - start];
                for (int i = 0; i < rows.length; i++) {
                    // A shard smaller than the largest wraps around, so every replica's batch has the same size.
                    rows[i] = order[(start + i) % order.length];
                }
                BatchRequest request = new BatchRequest(firstStep + batch - firstBatch, epoch, batch, rows);
                batch++;
                return request;
            }
        };
    }

    DecodedRows decode(BatchRequest request, Shard.EpochRows rows) {
        int[] positions = request.rows();
        float[] features = new float[positions.length * data.featureCount()];
        int[] labels = new int[positions.length];
        rows.read(positions, features, labels);
        return new DecodedRows(request, features, labels);
    }

    MiniBatch batch(DecodedRows rows) {
        int n = rows.labels().length;
        int classes = data.numClasses();
        BatchBuffers.Set set = buffers.acquire(n);
        floats(set.features()).put(0, rows.features());
        float[] oneHot = new float[n * classes];
        for (int r = 0; r < n; r++) {
            if (rows.labels()[r] != Examples.UNLABELED) {
                oneHot[r * classes + rows.labels()[r]] = 1f;
            }
        }
        floats(set.labels()).put(0, oneHot);
        return MiniBatch.of(rows.request(), set);
    }

    MiniBatch teach(MiniBatch batch) {
        long step = batch.request().step();
        double temperature = plan.temperature().valueAt(step, totalSteps);
        double alpha = plan.alpha().valueAt(step, totalSteps);
        if (alpha == 0) {
            // The KD loss at α = 0 is the hard-label cross-entropy; skipping the teachers and the soft term saves both.
            return batch.withTargets(batch.labels(), temperature, alpha);
        }
        INDArray soft = targets.softTargets(batch.features(), batch.labels(), batch.request().rows(), temperature);
        return batch.withTargets(SoftTargets.packInto(batch.buffers().targets(), batch.labels(), soft), temperature,
                alpha);
    }

    private static FloatBuffer floats(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
