package org.sparkdistill.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.train.RunKey;
import org.sparkdistill.jobs.cache.DatasetFingerprint;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;

class DistillRunKeyTest {
    static final DatasetFingerprint ROWS = new DatasetFingerprint(300, "00000000000000ff", "-12345");
    static final List<String> TEACHER = List.of(Sha256.hex(new byte[] {1, 2, 3}));
    static final List<String> SETTINGS = List.of(TeacherDescription.DETECTED.withFormat(TeacherFormat.DL4J).settings());

    static DistillConfig config(Map<String, String> overrides) {
        return config(1.0, overrides);
    }

    static DistillConfig config(double teacherWeight, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(Map.of("training.checkpointEvery", "5"));
        all.putAll(overrides);
        return ConfigLoader.parse("data: {train: /data/fashion}\nteachers: [{path: /models/t.zip, weight: "
                + teacherWeight + "}]\noutput: /runs/out\n", "job.yaml", all);
    }

    static Map<String, String> with(Map<String, String> overrides, String key, String value) {
        Map<String, String> changed = new HashMap<>(overrides);
        changed.put(key, value);
        return changed;
    }

    static String id(Map<String, String> overrides) {
        return DistillRunKey.of(config(overrides), TEACHER, SETTINGS, ROWS, null).id();
    }

    @Test
    void theKeyListsEverySettingThatShapesTheTrajectoryInCanonicalOrder() {
        RunKey key = DistillRunKey.of(config(Map.of()), TEACHER, SETTINGS, ROWS, null);
        assertEquals("""
                student.architecture=mlp
                student.hidden=[128]
                student.channels=[16, 32]
                student.model=none
                student.updater=adam
                student.learningRate=0.001
                student.learningRateSchedule=linear
                student.peers=none
                teachers[0].sha256=039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81
                teachers[0].settings=format=dl4j layout=auto shape=auto scale=1.0 mean=[] std=[] output=auto outputKind=auto
                teachers[0].weight=1.0
                ensemble.weighting=uniform
                data.rows=300
                data.xxhash64Xor=00000000000000ff
                data.xxhash64Sum=-12345
                data.limit=0
                data.shuffleBlock=256
                data.shuffleBuffer=16384
                cache.softLabels=false
                cache.topK=none
                distillation.temperature=4.0
                distillation.temperatureEnd=none
                distillation.alpha=0.9
                distillation.alphaEnd=none
                distillation.objectives=kd
                training.epochs=10
                training.batchSize=64
                training.workers=1
                training.seed=42
                training.checkpointEvery=5
                training.groups=1
                training.exchangeEvery=100
                """, key.text());
    }

    @Test
    void settingsThatDoNotChangeTheStepsLeaveTheKeyAlone() {
        String base = id(Map.of());
        for (Map<String, String> change : List.of(Map.of("training.pipelineDepth", "0"),
                Map.of("training.attempts", "7"), Map.of("training.gradientBuckets", "fused"),
                Map.of("training.replanEvery", "3"), Map.of("training.ioTimeout", "5"),
                Map.of("training.handshakeTimeout", "5"), Map.of("output", "/elsewhere"),
                Map.of("training.checkpointDirectory", "/ckpt"), Map.of("data.test", "/data/other-test"),
                Map.of("data.shardMemory", "1m"), Map.of("student.keep", "0"))) {
            assertEquals(base, id(change), change.toString());
        }
    }

    @Test
    void everySettingThatShapesTheStepsChangesTheKey() {
        String base = id(Map.of());
        for (Map<String, String> change : List.of(Map.of("student.hidden", "[64]"), Map.of("student.updater", "sgd"),
                Map.of("student.learningRate", "0.01"), Map.of("student.learningRateSchedule", "constant"),
                Map.of("ensemble.weighting", "confidence"),
                Map.of("data.limit", "100"), Map.of("data.shuffleBlock", "64"), Map.of("data.shuffleBuffer", "100"),
                Map.of("distillation.temperature", "2"),
                Map.of("distillation.temperatureEnd", "1"), Map.of("distillation.alpha", "0.5"),
                Map.of("distillation.alphaEnd", "0"), Map.of("training.epochs", "3"),
                Map.of("training.batchSize", "32"), Map.of("training.workers", "2"), Map.of("training.seed", "1"),
                Map.of("training.checkpointEvery", "6"))) {
            assertNotEquals(base, id(change), change.toString());
        }
        assertNotEquals(base, id(Map.of("student.peers", "[{hidden: [32]}, {hidden: [16]}]")));
        Map<String, String> codistilling = Map.of("training.workers", "4", "training.groups", "2",
                "training.exchangeEvery", "5", "distillation.objectives", "[{type: kd}, {type: codistill}]");
        assertNotEquals(id(codistilling), id(with(codistilling, "training.groups", "4")));
        assertNotEquals(id(codistilling), id(with(codistilling, "training.exchangeEvery", "1")));
        assertNotEquals(base, DistillRunKey.of(config(2.0, Map.of()), TEACHER, SETTINGS, ROWS, null).id());
        assertNotEquals(base, DistillRunKey.of(config(Map.of()), List.of("09"), SETTINGS, ROWS, null).id());
        assertNotEquals(base, DistillRunKey.of(config(Map.of()), TEACHER, List.of(TeacherDescription.DETECTED
                .withFormat(TeacherFormat.DL4J).withHints(List.of("0")).settings().replace("scale=1.0", "scale=255.0")),
                ROWS, null).id());
        assertEquals(base, DistillRunKey.of(config(Map.of()), TEACHER, List.of(TeacherDescription.DETECTED
                .withFormat(TeacherFormat.DL4J).withHints(List.of("0")).settings()), ROWS, null).id(),
                "a teacher's hints do not change its predictions");
        assertNotEquals(base, DistillRunKey.of(config(Map.of()), TEACHER, SETTINGS,
                new DatasetFingerprint(300, "00000000000000fe", "-12345"), null).id());
        assertNotEquals(base, DistillRunKey.of(config(Map.of()), TEACHER, SETTINGS, ROWS, 5).id());
        assertNotEquals(DistillRunKey.of(config(Map.of()), TEACHER, SETTINGS, ROWS, 5).id(),
                DistillRunKey.of(config(Map.of()), TEACHER, SETTINGS, ROWS, 3).id());
    }
}
