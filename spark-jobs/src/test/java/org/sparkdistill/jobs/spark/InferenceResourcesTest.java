package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ExecutorResourceRequest;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceRequest;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class InferenceResourcesTest {
    static SparkConf conf(String master, String... settings) {
        SparkConf conf = new SparkConf(false).setMaster(master);
        for (int i = 0; i < settings.length; i += 2) {
            conf.set(settings[i], settings[i + 1]);
        }
        return conf;
    }

    static Map<String, TaskResourceRequest> task(ResourceProfile profile) {
        return profile.taskResourcesJMap();
    }

    static Map<String, ExecutorResourceRequest> executor(ResourceProfile profile) {
        return profile.executorResourcesJMap();
    }

    @Test
    void localModeGetsNoProfileAndSaysWhy() {
        for (String master : new String[] {"local", "local[2]", "local[*, 3]"}) {
            InferenceResources.Plan plan = InferenceResources.plan(conf(master), 2, 0.5);
            assertNull(plan.profile(), master);
            assertEquals("cache.taskCpus and cache.taskGpus (2 cpus and 0.5 gpu) are not applied: Spark master " + master
                    + " does not support stage-level scheduling (standalone, YARN and Kubernetes do)", plan.description());
        }
    }

    @Test
    void withoutDynamicAllocationTheTasksAskForCoresAndGpusOfTheExistingExecutors() {
        for (String master : List.of("spark://head:7077", "yarn", "k8s://https://api:6443", "local-cluster[2,1,1024]")) {
            InferenceResources.Plan plan = InferenceResources.plan(conf(master, "spark.executor.cores", "4",
                    "spark.executor.resource.gpu.amount", "1"), 2, 0.25);
            assertEquals("tasks of 2 cpus and 0.25 gpu on the application's executors", plan.description(), master);
            assertEquals(2.0, task(plan.profile()).get("cpus").amount());
            assertEquals(0.25, task(plan.profile()).get("gpu").amount());
            assertTrue(executor(plan.profile()).isEmpty(), "a task profile: the executors stay as they are");
            assertTrue(plan.profile().id() != ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID());
        }
        ResourceProfile cpuOnly = InferenceResources.plan(conf("spark://head:7077"), 1, 0).profile();
        assertEquals(1.0, task(cpuOnly).get("cpus").amount());
        assertEquals(1, task(cpuOnly).size(), "no gpu request");
    }

    @Test
    void withoutDynamicAllocationExecutorsTooSmallForOneTaskAreRefused() {
        InvalidInputException cores = assertThrows(InvalidInputException.class,
                () -> InferenceResources.plan(conf("spark://head:7077", "spark.executor.cores", "2"), 4, 0));
        assertEquals("cache.taskCpus = 4 needs executors of at least 4 cores, but spark.executor.cores = 2; an"
                + " inference task would never be scheduled", cores.getMessage());
        InvalidInputException gpus = assertThrows(InvalidInputException.class,
                () -> InferenceResources.plan(conf("yarn"), 1, 1));
        assertEquals("cache.taskGpus = 1.0 needs executors with at least 1 GPU(s), but"
                + " spark.executor.resource.gpu.amount is not set; see cluster-conf/spark-defaults-gpu.conf",
                gpus.getMessage());
    }

    @Test
    void withDynamicAllocationSparkStartsExecutorsSizedForTheTasks() {
        InferenceResources.Plan plan = InferenceResources.plan(conf("k8s://https://api:6443",
                "spark.dynamicAllocation.enabled", "true",
                "spark.executor.resource.gpu.discoveryScript", "/opt/spark/getGpusResources.sh",
                "spark.executor.resource.gpu.vendor", "nvidia.com"), 2, 0.25);
        assertEquals("executors of their own (dynamic allocation), tasks of 2 cpus and 0.25 gpu", plan.description());
        Map<String, ExecutorResourceRequest> executor = executor(plan.profile());
        assertEquals(8, executor.get("cores").amount(), "room for the 4 tasks that share one GPU");
        assertEquals(1, executor.get("gpu").amount());
        assertEquals("/opt/spark/getGpusResources.sh", executor.get("gpu").discoveryScript());
        assertEquals("nvidia.com", executor.get("gpu").vendor());

        ResourceProfile whole = InferenceResources.plan(conf("yarn", "spark.dynamicAllocation.enabled", "true",
                "spark.executor.cores", "6"), 3, 2).profile();
        assertEquals(6, executor(whole).get("cores").amount(), "spark.executor.cores when set");
        assertEquals(2, executor(whole).get("gpu").amount());
        assertThrows(InvalidInputException.class, () -> InferenceResources.plan(conf("yarn",
                "spark.dynamicAllocation.enabled", "true", "spark.executor.cores", "1"), 2, 0));
    }
}
