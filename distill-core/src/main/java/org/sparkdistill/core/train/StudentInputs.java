package org.sparkdistill.core.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.data.BatchBuffers;
import org.sparkdistill.core.data.BatchRequest;
import org.sparkdistill.core.data.DecodedRows;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.MiniBatch;
import org.sparkdistill.core.data.Pipeline;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.objective.BatchSignals;
import org.sparkdistill.core.objective.TeacherOutput;
import org.sparkdistill.core.objective.TrainingGraph;
import org.sparkdistill.core.teacher.SoftTargetSource;

/**
 * The input stages of the student step, in pipeline order: {@code decode} reads a batch's rows out of the shard,
 * {@code batch} puts them into reused off-heap arrays with one-hot labels, and {@code teacher} adds what the training
 * graph's heads read at the step: the soft targets at the step's temperature and the named teacher outputs. {@link #pipeline} chains them ahead of the student.
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
    private final TrainingGraph graph;

    StudentInputs(Shard data, TrainingPlan plan, long totalSteps, SoftTargetSource targets, BatchBuffers buffers,
            TrainingGraph graph) {
        if (!plan.alpha().isConstantly(1.0)) {
            // Unlabeled rows get an all-zero one-hot row, which the loss ignores only where 1 − α is 0.
            data.requireLabelled("training with alpha below 1 (the hard-label term)");
        }
        this.data = data;
        this.plan = plan;
        this.totalSteps = totalSteps;
        this.targets = targets;
        this.buffers = buffers;
        this.graph = graph;
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
        int[] rows = batch.request().rows();
        // At alpha = 0 no head reads the soft targets, and the teachers are not run for them.
        INDArray soft = graph.readsSoftTargets(alpha)
                ? targets.softTargets(batch.features(), batch.labels(), rows, temperature) : null;
        List<TeacherOutput> wanted = graph.teacherOutputs();
        List<INDArray> values = targets.outputs(batch.features(), rows, wanted);
        Map<TeacherOutput, INDArray> outputs = new HashMap<>();
        for (int k = 0; k < wanted.size(); k++) {
            outputs.put(wanted.get(k), values.get(k));
        }
        return batch.withSignals(new BatchSignals(batch.labels(), soft, outputs, temperature, alpha));
    }

    private static FloatBuffer floats(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
