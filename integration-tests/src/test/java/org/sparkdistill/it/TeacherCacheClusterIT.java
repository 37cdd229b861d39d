package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.it.cluster.ClusterSpec;
import org.sparkdistill.it.cluster.EventLog;
import org.sparkdistill.it.cluster.StandaloneCluster;
import org.sparkdistill.it.cluster.Submission;
import org.sparkdistill.jobs.DistillJob;
import org.sparkdistill.jobs.cache.CacheManifest;

/**
 * {@code teacher-infer} and {@code distill} submitted to a Spark standalone cluster of one worker with two cores:
 * teacher inference runs with a resource profile of its own (two cores per task), distillation with the default one,
 * as the driver's event log shows.
 */
class TeacherCacheClusterIT {
    @TempDir
    static Path dir;

    static Path teacher;
    static StandaloneCluster cluster;

    @BeforeAll
    static void trainTeacherAndStartCluster() {
        teacher = Fixtures.cnnTeacher(dir, 1000);
        cluster = StandaloneCluster.start(ClusterSpec.defaults().withWorkers(1).withCoresPerWorker(2));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Map<String, String> loggingEvents(Path events) throws IOException {
        Files.createDirectories(events);
        return Fixtures.with(Fixtures.STRICT_KRYO, EventLog.settings(events));
    }

    @Test
    void teacherInferenceRunsWithItsOwnResourceProfileAndDistillReadsItsCache() throws IOException {
        Path cache = dir.resolve("cache");
        Path student = dir.resolve("student");
        Path job = Fixtures.cacheJob(dir.resolve("job.yaml"), teacher, cache, student, 2000, 10);

        Path inferEvents = dir.resolve("events-teacher-infer");
        Submission infer = cluster.submit(List.of("teacher-infer", "--config", job.toString(),
                "--set", "cache.taskCpus=2"), loggingEvents(inferEvents));
        assertEquals(0, infer.exitCode(), infer::toString);
        assertTrue(infer.output().contains("inference tasks: tasks of 2 cpus on the application's executors"),
                infer::toString);
        assertTrue(Files.isRegularFile(cache.resolve(CacheManifest.FILE_NAME)), infer::toString);

        EventLog inferLog = EventLog.read(inferEvents);
        Map<Integer, Integer> profiles = inferLog.profileByStage();
        List<Integer> profiled = profiles.keySet().stream().filter(stage -> profiles.get(stage) != 0).toList();
        assertEquals(1, profiled.size(), "one stage, the inference, has a profile of its own: " + profiles + " "
                + inferLog.stageNames());
        int stage = profiled.get(0);
        assertTrue(inferLog.stageNames().get(stage).contains("TeacherInferJob"), inferLog.stageNames().toString());
        assertEquals(Map.of("cpus", 2.0), inferLog.taskRequestsByProfile().get(profiles.get(stage)));
        assertTrue(inferLog.succeededTasksByStage().getOrDefault(stage, 0) >= 1, inferLog.succeededTasksByStage()
                .toString());

        Path distillEvents = dir.resolve("events-distill");
        Submission distill = cluster.submit(List.of("distill", "--config", job.toString()),
                loggingEvents(distillEvents));
        assertEquals(0, distill.exitCode(), distill::toString);
        assertTrue(Files.isRegularFile(student.resolve(DistillJob.MODEL_FILE)), distill::toString);
        double accuracy = Fixtures.finalAccuracy(student);
        assertTrue(accuracy > 0.5, "the student learns from the cache in 2 epochs on 2,000 rows (> 50%, chance is"
                + " 10%), got " + accuracy + ": " + distill);
        Map<Integer, Integer> distillProfiles = EventLog.read(distillEvents).profileByStage();
        assertTrue(distillProfiles.values().stream().allMatch(profile -> profile == 0),
                "distill runs on the default profile: " + distillProfiles);
    }
}
