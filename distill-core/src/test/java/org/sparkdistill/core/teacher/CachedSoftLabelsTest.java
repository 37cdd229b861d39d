package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.InMemoryShard;
import org.sparkdistill.core.train.Batches;

/** Cached logits meet the soft-target contract, and kept whole they give exactly what the live teachers give. */
class CachedSoftLabelsTest extends SoftTargetSourceContract {
    /** Each teacher's logits for every shard row, computed in batches of 7 rows as teacher-infer would, kept to k. */
    static List<TopKLogits[]> cache(List<Teacher> teachers, Examples shard, int k) {
        List<TopKLogits[]> cached = new ArrayList<>();
        int[] order = Batches.inOrder(shard.size());
        for (Teacher teacher : teachers) {
            TopKLogits[] rows = new TopKLogits[shard.size()];
            for (int from = 0; from < shard.size(); from += 7) {
                int to = Math.min(shard.size(), from + 7);
                float[][] z = teacher.logits(Batches.features(shard, order, from, to)).toFloatMatrix();
                for (int i = from; i < to; i++) {
                    rows[i] = TopKLogits.compress(z[i - from], k);
                }
            }
            cached.add(rows);
        }
        return cached;
    }

    @Override
    protected SoftTargetSource source(List<Teacher> teachers, EnsembleMixture mixture, Examples shard) {
        return CachedSoftLabels.of(mixture, cache(teachers, shard, CLASSES), InMemoryShard.of(shard));
    }

    @Test
    void logitsKeptWholeGiveExactlyTheLiveTeachersTargets() {
        for (EnsembleMixture mixture : List.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3),
                EnsembleMixture.of(EnsembleWeighting.CONFIDENCE, 3),
                EnsembleMixture.fixed(List.of("a", "b", "c"), 1, 2, 3))) {
            CachedSoftLabels cached = CachedSoftLabels.of(mixture, cache(TEACHERS, SHARD, 1000), SHARD_ROWS);
            TeacherEnsemble live = TeacherEnsemble.of(TEACHERS, mixture);
            int[] rows = batchRows();
            INDArray x = Batches.features(SHARD, rows, 0, rows.length);
            INDArray y = Batches.oneHot(SHARD, rows, 0, rows.length);
            for (double t : new double[] {1, 3.5}) {
                float[] want = live.softTargets(x, y, t).dup('c').data().asFloat();
                assertArrayEquals(want, cached.softTargets(x, y, rows, t).dup('c').data().asFloat(), 0f,
                        mixture.toString());
            }
        }
    }

    @Test
    void topKKeepsTheLargestClassesCloseToTheLiveTargets() {
        EnsembleMixture mixture = EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3);
        CachedSoftLabels top3 = CachedSoftLabels.of(mixture, cache(TEACHERS, SHARD, 3), SHARD_ROWS);
        TeacherEnsemble live = TeacherEnsemble.of(TEACHERS, mixture);
        int[] rows = batchRows();
        INDArray x = Batches.features(SHARD, rows, 0, rows.length);
        INDArray y = Batches.oneHot(SHARD, rows, 0, rows.length);
        INDArray approximate = top3.softTargets(x, y, rows, 1.0);
        INDArray exact = live.softTargets(x, y, 1.0);
        assertEquals(0.0, approximate.sum(1).sub(1.0).amaxNumber().doubleValue(), 1e-5, "rows sum to one");
        double gap = approximate.sub(exact).amaxNumber().doubleValue();
        assertTrue(gap > 0 && gap < 0.1, "top 3 of 5 moves probabilities a little, not a lot: " + gap);
    }

    @Test
    void aBatchWithoutShardRowsIsRefused() {
        CachedSoftLabels cached = CachedSoftLabels.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3),
                cache(TEACHERS, SHARD, CLASSES), SHARD_ROWS);
        int[] rows = Batches.inOrder(3);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> cached.softTargets(
                Batches.features(SHARD, rows, 0, 3), Batches.oneHot(SHARD, rows, 0, 3), 1.0));
        assertTrue(e.getMessage().contains("read by shard row"), e.getMessage());
    }

    @Test
    void cachesThatDoNotFitTheShardOrTheMixtureAreRefused() {
        List<TopKLogits[]> cached = cache(TEACHERS, SHARD, CLASSES);
        InvalidInputException teachers = assertThrows(InvalidInputException.class,
                () -> CachedSoftLabels.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 2), cached, SHARD_ROWS));
        assertTrue(teachers.getMessage().contains("3 teachers"), teachers.getMessage());
        InvalidInputException rows = assertThrows(InvalidInputException.class,
                () -> CachedSoftLabels.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3), cached,
                        InMemoryShard.of(SHARD.head(10))));
        assertTrue(rows.getMessage().contains("for 40 rows but"), rows.getMessage());
        List<TopKLogits[]> wrongClasses = new ArrayList<>(cached);
        TopKLogits[] first = wrongClasses.get(0).clone();
        first[5] = TopKLogits.compress(new float[] {1f, 2f}, 2);
        wrongClasses.set(0, first);
        InvalidInputException classes = assertThrows(InvalidInputException.class,
                () -> CachedSoftLabels.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3), wrongClasses, SHARD_ROWS));
        assertTrue(classes.getMessage().contains("shard row 5 have 2 classes"), classes.getMessage());
        CachedSoftLabels ok = CachedSoftLabels.of(EnsembleMixture.of(EnsembleWeighting.UNIFORM, 3), cached, SHARD_ROWS);
        InvalidInputException position = assertThrows(InvalidInputException.class, () -> ok.logits(0, new int[] {40}));
        assertTrue(position.getMessage().contains("shard row 40, outside [0, 39]"), position.getMessage());
    }
}
