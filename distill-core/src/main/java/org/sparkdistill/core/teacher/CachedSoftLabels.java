package org.sparkdistill.core.teacher;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Shard;

/**
 * Soft targets from teachers' logits computed before training (the soft-label cache), for one training shard.
 *
 * <p>It holds, for every teacher and every row of the shard in shard order, the teacher's {@link TopKLogits}, and
 * combines the rows of a batch with the same {@link EnsembleMixture} a live {@link TeacherEnsemble} uses: from logits
 * kept whole it gives exactly the targets the live teachers would give from the same logits.
 *
 * <p>{@link #softTargets(INDArray, INDArray, int[], double)} reads the batch's rows by their positions in the shard;
 * without those positions there is nothing to read by. Immutable, so the pipeline's teacher stage may use it from its
 * own thread.
 */
public final class CachedSoftLabels implements SoftTargetSource {
    private final EnsembleMixture mixture;
    private final List<TopKLogits[]> teachers;
    private final Shard shard;

    private CachedSoftLabels(EnsembleMixture mixture, List<TopKLogits[]> teachers, Shard shard) {
        this.mixture = mixture;
        this.teachers = teachers;
        this.shard = shard;
    }

    /**
     * Soft labels for {@code shard} from each teacher's cached logits.
     *
     * @param teachers per teacher, in the mixture's teacher order, one row of logits per shard row, in shard order
     * @throws InvalidInputException when the teachers, rows or class counts do not match the mixture and the shard
     */
    public static CachedSoftLabels of(EnsembleMixture mixture, List<TopKLogits[]> teachers, Shard shard) {
        if (teachers.size() != mixture.teachers()) {
            throw new InvalidInputException("cached logits of " + teachers.size() + " teachers cannot be combined by "
                    + mixture);
        }
        List<TopKLogits[]> copies = new ArrayList<>(teachers.size());
        for (int k = 0; k < teachers.size(); k++) {
            TopKLogits[] rows = teachers.get(k);
            if (rows.length != shard.size()) {
                throw new InvalidInputException("teacher " + k + " has cached logits for " + rows.length
                        + " rows but " + shard + " has " + shard.size());
            }
            for (int r = 0; r < rows.length; r++) {
                if (rows[r] == null || rows[r].numClasses() != shard.numClasses()) {
                    throw new InvalidInputException("teacher " + k + "'s cached logits of shard row " + r + " have "
                            + (rows[r] == null ? "no value" : rows[r].numClasses() + " classes") + " but " + shard
                            + " has " + shard.numClasses());
                }
            }
            copies.add(rows.clone());
        }
        return new CachedSoftLabels(mixture, List.copyOf(copies), shard);
    }

    /** The number of shard rows. */
    public int size() {
        return shard.size();
    }

    /** Teacher {@code teacher}'s logits for the shard rows {@code rows}, expanded to {@code [rows.length, C]}. */
    public INDArray logits(int teacher, int[] rows) {
        TopKLogits[] cached = teachers.get(teacher);
        int classes = shard.numClasses();
        float[] out = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= cached.length) {
                throw new InvalidInputException("batch row " + i + " is shard row " + rows[i] + ", outside [0, "
                        + (cached.length - 1) + "] of " + shard);
            }
            cached[rows[i]].expandInto(out, i * classes);
        }
        return Nd4j.create(out, new long[] {rows.length, classes}, DataType.FLOAT);
    }

    @Override
    public INDArray softTargets(INDArray features, INDArray hardLabels, int[] rows, double temperature) {
        if (rows.length != hardLabels.size(0)) {
            throw new InvalidInputException("a batch of " + hardLabels.size(0) + " rows came with " + rows.length
                    + " shard positions");
        }
        List<INDArray> logits = new ArrayList<>(teachers.size());
        for (int k = 0; k < teachers.size(); k++) {
            logits.add(logits(k, rows));
        }
        return mixture.combine(logits, hardLabels, temperature);
    }

    /** Refused: cached logits are read by the batch rows' positions in the shard. */
    @Override
    public INDArray softTargets(INDArray features, INDArray hardLabels, double temperature) {
        throw new UnsupportedOperationException("cached soft labels are read by shard row: call softTargets(features, "
                + "hardLabels, rows, temperature) with the batch rows' positions in " + shard);
    }

    @Override
    public String toString() {
        return "CachedSoftLabels(" + teachers.size() + " teachers, " + shard + ", " + mixture + ")";
    }
}
