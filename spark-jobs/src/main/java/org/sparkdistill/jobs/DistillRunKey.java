package org.sparkdistill.jobs;

import java.util.List;
import java.util.Locale;
import org.sparkdistill.core.train.RunKey;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.DistillationConfig;
import org.sparkdistill.jobs.config.StudentConfig;
import org.sparkdistill.jobs.config.TrainingConfig;

/**
 * The {@link RunKey} of a {@code distill} run: every setting that shapes its trajectory, so that checkpoints are
 * resumed only by a run that would have taken the same steps.
 *
 * <p>In canonical order: the student ({@code student.hidden}, {@code updater}, {@code learningRate},
 * {@code learningRateSchedule}, {@code peers}); each teacher's model SHA-256, settings (format, input, output) and weight, and
 * {@code ensemble.weighting} (a teacher's hints do not change its predictions); the training
 * rows' {@link DatasetFingerprint}, {@code data.limit}, {@code shuffleBlock} and {@code shuffleBuffer}; whether soft
 * labels come from the cache and the cache's top-k; {@code distillation.temperature}, {@code temperatureEnd},
 * {@code alpha}, {@code alphaEnd}; and {@code training.epochs}, {@code batchSize}, {@code workers}, {@code seed},
 * {@code checkpointEvery}, {@code groups}, {@code exchangeEvery}.
 *
 * <p>Left out because they do not change the steps taken: {@code training.pipelineDepth} (the pipeline gives the same
 * student bit for bit), {@code attempts}, {@code handshakeTimeout}, {@code ioTimeout}, {@code gradientBuckets} and
 * {@code replanEvery} (training stays exactly synchronous whatever the buckets), {@code data.shardMemory} (a spilled
 * shard is read in the same order as one in memory), {@code output}, {@code overwrite}, {@code spark.master},
 * {@code data.test} (it is only measured), the teachers' and data's paths (their contents are in the key), and the
 * checkpoint directory itself, and {@code student.keep} (which peer or group the run reports, not how any trains).
 */
final class DistillRunKey {
    private DistillRunKey() {}

    /**
     * The key of {@code config}'s run.
     *
     * @param teacherSha256s the SHA-256 of the teachers' model files, in configuration order
     * @param teacherSettings how each teacher is run, in configuration order
     * @param rows the fingerprint of the training rows after {@code data.limit}
     * @param cacheTopK the top-k of the soft-label cache the run reads, or null when the teachers run live
     */
    static RunKey of(DistillConfig config, List<String> teacherSha256s, List<String> teacherSettings,
            DatasetFingerprint rows, Integer cacheTopK) {
        StudentConfig student = config.student();
        DistillationConfig distillation = config.distillation();
        TrainingConfig training = config.training();
        RunKey.Builder key = RunKey.builder()
                .add("student.architecture", name(student.architecture()))
                .add("student.hidden", student.hidden())
                .add("student.channels", student.channels())
                .add("student.model", student.model() == null ? "none" : student.model())
                .add("student.updater", name(student.updater()))
                .add("student.learningRate", student.learningRate())
                .add("student.learningRateSchedule", name(student.learningRateSchedule()))
                .add("student.peers", student.peers().isEmpty() ? "none" : student.peers().toString());
        for (int k = 0; k < config.teachers().size(); k++) {
            key.add("teachers[" + k + "].sha256", teacherSha256s.get(k))
                    .add("teachers[" + k + "].settings", teacherSettings.get(k))
                    .add("teachers[" + k + "].weight", config.teachers().get(k).weight());
        }
        return key.add("ensemble.weighting", name(config.weighting()))
                .add("data.rows", rows.rows())
                .add("data.xxhash64Xor", rows.xor())
                .add("data.xxhash64Sum", rows.sum())
                .add("data.limit", config.data().limit())
                .add("data.shuffleBlock", config.data().shuffleBlock())
                .add("data.shuffleBuffer", config.data().shuffleBuffer())
                .add("cache.softLabels", cacheTopK != null)
                .add("cache.topK", cacheTopK == null ? "none" : cacheTopK)
                .add("distillation.temperature", distillation.temperature())
                .add("distillation.temperatureEnd", orNone(distillation.temperatureEnd()))
                .add("distillation.alpha", distillation.alpha())
                .add("distillation.alphaEnd", orNone(distillation.alphaEnd()))
                .add("distillation.objectives", distillation.objectives().isEmpty() ? "kd"
                        : distillation.objectives().toString())
                .add("training.epochs", training.epochs())
                .add("training.batchSize", training.batchSize())
                .add("training.workers", training.workers())
                .add("training.seed", training.seed())
                .add("training.checkpointEvery", training.checkpointEvery())
                .add("training.groups", training.groups())
                .add("training.exchangeEvery", training.exchangeEvery())
                .build();
    }

    private static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static Object orNone(Double value) {
        return value == null ? "none" : value;
    }
}
