package org.sparkdistill.jobs.cache;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Shard;
import org.sparkdistill.core.teacher.CachedSoftLabels;
import org.sparkdistill.core.teacher.EnsembleMixture;
import org.sparkdistill.core.teacher.TopKLogits;
import org.sparkdistill.jobs.spark.ExampleFrames;

/**
 * Collects a training shard's cached logits as {@link ExampleFrames#readInternalRows} reads the shard: the columns
 * {@link CacheColumns#logits} after id, features and label, three per teacher; the shard's rows must come sorted by
 * id, each id once. Not thread-safe; one per shard.
 */
public final class CachedRows implements ExampleFrames.ExtraColumns {
    private final Layout layout;
    private final List<List<TopKLogits>> teachers = new ArrayList<>();
    private long rowsRead;
    private long previousId;

    /**
     * What a task needs to read a cache's logit columns.
     *
     * @param source the cache directory, for messages
     * @param teachers the number of teachers
     * @param numClasses C
     */
    public record Layout(String source, int teachers, int numClasses) implements Serializable {
        /** The columns to carry into the shards, in the order {@link CachedRows} reads them. */
        public List<String> columns() {
            return CacheColumns.logits(teachers);
        }
    }

    public CachedRows(Layout layout) {
        this.layout = layout;
        for (int k = 0; k < layout.teachers(); k++) {
            teachers.add(new ArrayList<>());
        }
    }

    @Override
    public void read(long id, InternalRow row, int first) {
        // A shard comes sorted by id, so a repeated id follows its first row at once.
        if (rowsRead > 0 && id == previousId) {
            throw new InvalidInputException("training row id " + id + " occurs twice in a shard joined by id to the"
                    + " soft-label cache " + layout.source() + "; ids must be unique in the training table and in the"
                    + " cache");
        }
        previousId = id;
        rowsRead++;
        for (int k = 0; k < layout.teachers(); k++) {
            int values = first + 3 * k;
            if (row.isNullAt(values)) {
                throw new InvalidInputException("training row with id " + id + " has no row in the soft-label cache "
                        + layout.source() + " (column " + CacheColumns.values(k) + " is empty after joining by id);"
                        + " the cache was written for other rows");
            }
            float[] logits = row.getArray(values).toFloatArray();
            int[] indices = row.isNullAt(values + 1) ? null : row.getArray(values + 1).toIntArray();
            float tail = row.isNullAt(values + 2) ? Float.NaN : row.getFloat(values + 2);
            try {
                teachers.get(k).add(new TopKLogits(layout.numClasses(), indices, logits, tail));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("soft-label cache " + layout.source() + ", row with id " + id
                        + ", teacher " + k + " (" + CacheColumns.teacher(k) + "_*): " + e.getMessage(), e);
            }
        }
    }

    /** The soft labels of {@code shard}, whose rows this read in order, combined by {@code mixture}. */
    public CachedSoftLabels softLabels(EnsembleMixture mixture, Shard shard) {
        List<TopKLogits[]> rows = new ArrayList<>();
        teachers.forEach(list -> rows.add(list.toArray(new TopKLogits[0])));
        return CachedSoftLabels.of(mixture, rows, shard);
    }
}
