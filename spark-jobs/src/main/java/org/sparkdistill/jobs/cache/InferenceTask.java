package org.sparkdistill.jobs.cache;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.teacher.TopKLogits;
import org.sparkdistill.jobs.TeacherSpecs;

/**
 * One task of {@code teacher-infer}: loads the teachers from their model files, runs them over the rows of
 * its partition (id, then features) batch by batch, and yields one row of {@link CacheColumns#schema} per input row.
 *
 * <p>Rows come out as each batch is inferred, so a partition is never held whole. The teachers are released when the
 * task ends, whether it finishes or fails.
 *
 * <p>Each teacher gives a batch's logits and hint outputs from one call ({@code logitsAndActivations}: one run of an
 * ONNX model). Each task adds to two accumulators: the wall time of the teachers' forward passes (those calls, and
 * nothing else: not reading or converting rows, compressing logits or writing), and
 * the rows those passes covered, each row counted once however many teachers it went through. Spark applies a task's
 * updates once, when the task succeeds, since the write is an action.
 */
public final class InferenceTask implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final TeacherSpecs teachers;
    private final int[] shape;
    private final int featureCount;
    private final int topK;
    private final int batchSize;
    private final LongAccumulator inferenceNanos;
    private final LongAccumulator rowsInferred;

    /**
     * @param teachers the teachers, whose hint outputs are written too
     * @param shape the shape of an input row's example, channels first
     * @param topK the largest logits kept per row and teacher
     * @param batchSize rows per teacher forward pass
     * @param inferenceNanos receives the wall time of the teachers' forward passes, in nanoseconds
     * @param rowsInferred receives the rows those forward passes covered
     */
    public InferenceTask(TeacherSpecs teachers, int[] shape, int topK, int batchSize, LongAccumulator inferenceNanos,
            LongAccumulator rowsInferred) {
        this.teachers = teachers;
        this.shape = shape.clone();
        this.featureCount = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        this.topK = topK;
        this.batchSize = batchSize;
        this.inferenceNanos = inferenceNanos;
        this.rowsInferred = rowsInferred;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        if (!rows.hasNext()) {
            return Collections.emptyIterator();
        }
        Output output = new Output(rows, teachers.load(shape));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> output.release());
        }
        return output;
    }

    /** The cache rows of one partition, inferred a batch at a time as they are asked for. */
    private final class Output implements Iterator<Row> {
        private final Iterator<InternalRow> input;
        private final TeacherEnsemble ensemble;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private boolean released;

        Output(Iterator<InternalRow> input, TeacherEnsemble ensemble) {
            this.input = input;
            this.ensemble = ensemble;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                inferNextBatch();
            }
            if (ready.isEmpty()) {
                release();
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more rows in this partition");
            }
            return ready.poll();
        }

        synchronized void release() {
            if (!released) {
                released = true;
                ensemble.close();
            }
        }

        private void inferNextBatch() {
            long[] ids = new long[batchSize];
            float[] values = new float[batchSize * featureCount];
            int n = 0;
            while (n < batchSize && input.hasNext()) {
                InternalRow row = input.next();
                ids[n] = row.getLong(0);
                ArrayData features = row.isNullAt(1) ? null : row.getArray(1);
                if (features == null || features.numElements() != featureCount) {
                    throw new InvalidInputException("row with id " + ids[n] + " has "
                            + (features == null ? "no" : features.numElements()) + " features but the dataset's rows"
                            + " have " + featureCount);
                }
                System.arraycopy(features.toFloatArray(), 0, values, n * featureCount, featureCount);
                n++;
            }
            INDArray batch = Nd4j.create(Arrays.copyOf(values, n * featureCount), new long[] {n, featureCount},
                    DataType.FLOAT);
            Object[][] cells = new Object[n][];
            List<Teacher> models = ensemble.teachers();
            int width = 1 + 3 * models.size()
                    + teachers.descriptions().stream().mapToInt(d -> d.hints().size()).sum();
            for (int i = 0; i < n; i++) {
                cells[i] = new Object[width];
                cells[i][0] = ids[i];
            }
            int column = 1;
            long inferring = 0;
            for (int k = 0; k < models.size(); k++) {
                Teacher teacher = models.get(k);
                List<String> hintNames = teachers.descriptions().get(k).hints();
                long started = System.nanoTime();
                List<INDArray> predicted = teacher.logitsAndActivations(batch, hintNames);
                inferring += System.nanoTime() - started;
                float[] logits = rowMajor(predicted.get(0));
                int classes = logits.length / n;
                for (int i = 0; i < n; i++) {
                    TopKLogits kept = compress(teacher, ids[i], Arrays.copyOfRange(logits, i * classes, (i + 1) * classes));
                    cells[i][column] = kept.values();
                    cells[i][column + 1] = kept.indices();
                    cells[i][column + 2] = kept.full() ? null : kept.tail();
                }
                column += 3;
                for (INDArray activations : predicted.subList(1, predicted.size())) {
                    float[] flat = rowMajor(activations);
                    int layerWidth = flat.length / n;
                    for (int i = 0; i < n; i++) {
                        cells[i][column] = Arrays.copyOfRange(flat, i * layerWidth, (i + 1) * layerWidth);
                    }
                    column++;
                }
            }
            inferenceNanos.add(inferring);
            rowsInferred.add(n);
            for (Object[] row : cells) {
                ready.add(RowFactory.create(row));
            }
        }

        private TopKLogits compress(Teacher teacher, long id, float[] logits) {
            try {
                return TopKLogits.compress(logits, topK);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("teacher '" + teacher.name() + "' on the row with id " + id + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** The values of a 2-D array row after row, in float. */
    private static float[] rowMajor(INDArray array) {
        return array.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
