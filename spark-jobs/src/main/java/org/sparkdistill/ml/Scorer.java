package org.sparkdistill.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.metrics.Evaluator;

/**
 * Scores one partition with the student: rows in batches, each row given back without its features column and with
 * the predicted class and the class probabilities appended. The student is loaded once per partition and freed when
 * the partition is done or its task ends.
 */
final class Scorer implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 256;

    private final byte[] modelZip;
    private final int featuresIndex;

    /** @param featuresIndex the position of the rows' {@code array<float>} features column, which is dropped */
    Scorer(byte[] modelZip, int featuresIndex) {
        this.modelZip = modelZip;
        this.featuresIndex = featuresIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ModelZip zip = ModelZip.of(modelZip, "the distilled student");
        Model student = zip.network();
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> NetworkMemory.release(student));
        }
        return new Iterator<>() {
            private final List<Row> scored = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                scored.clear();
                next = 0;
                List<Row> batch = new ArrayList<>();
                while (rows.hasNext() && batch.size() < BATCH) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    if (task == null) {
                        NetworkMemory.release(student);
                    }
                    return false;
                }
                scored.addAll(score(student, batch));
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }
        };
    }

    private List<Row> score(Model student, List<Row> batch) {
        int width = batch.get(0).getList(featuresIndex).size();
        float[] values = new float[batch.size() * width];
        for (int i = 0; i < batch.size(); i++) {
            List<Object> features = batch.get(i).getList(featuresIndex);
            if (features.size() != width) {
                throw new IllegalArgumentException("a row has " + features.size() + " features, another " + width);
            }
            for (int j = 0; j < width; j++) {
                values[i * width + j] = ((Number) features.get(j)).floatValue();
            }
        }
        INDArray probabilities;
        try (INDArray input = Nd4j.create(values, new long[] {batch.size(), width}, 'c')) {
            probabilities = Evaluator.output(student, input);
        }
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            double[] p = probabilities.getRow(i).toDoubleVector();
            int predicted = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[predicted]) {
                    predicted = c;
                }
            }
            Row row = batch.get(i);
            List<Object> cells = new ArrayList<>(row.size() + 1);
            for (int f = 0; f < row.size(); f++) {
                if (f != featuresIndex) {
                    cells.add(row.get(f));
                }
            }
            cells.add((double) predicted);
            cells.add(Vectors.dense(p));
            out.add(RowFactory.create(cells.toArray()));
        }
        probabilities.close();
        return out;
    }
}
