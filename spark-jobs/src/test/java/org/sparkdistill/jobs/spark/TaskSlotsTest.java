package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class TaskSlotsTest {
    private static SparkConf master(String master) {
        return new SparkConf(false).setMaster(master);
    }

    @Test
    void theSlotsComeFromTheMasterAndTheExecutorsSettings() {
        assertEquals(OptionalInt.of(4), TaskSlots.configured(master("local[4]"), 4));
        assertEquals(OptionalInt.of(3), TaskSlots.configured(master("spark://head:7077").set("spark.cores.max", "6")
                .set("spark.task.cpus", "2"), 1));
        assertEquals(OptionalInt.of(6), TaskSlots.configured(master("k8s://https://api:6443")
                .set("spark.executor.instances", "3").set("spark.executor.cores", "2"), 1));
        assertEquals(OptionalInt.of(3), TaskSlots.configured(master("yarn").set("spark.executor.instances", "3"), 1));
        assertEquals(OptionalInt.empty(), TaskSlots.configured(master("spark://head:7077"), 1));
    }

    @Test
    void tooFewSlotsAreRefusedNamingTheSettings() {
        assertEquals("training.workers = 4 needs 4 task slots at once, but Spark master spark://head:7077 has 3"
                + " (spark.cores.max = 3, spark.task.cpus = 1); give the job more slots or fewer workers",
                assertThrows(InvalidInputException.class, () -> TaskSlots.require(master("spark://head:7077")
                        .set("spark.cores.max", "3"), 1, 4)).getMessage());
        assertEquals("training.workers = 2 needs 2 task slots at once, but Spark master local[1] has 1; give the job"
                + " more slots or fewer workers", assertThrows(InvalidInputException.class,
                        () -> TaskSlots.require(master("local[1]"), 1, 2)).getMessage());
        TaskSlots.require(master("spark://head:7077"), 1, 64);
        TaskSlots.require(master("local[2]"), 2, 2);
    }

    @Test
    void dynamicAllocationIsRefusedWhateverTheSlots() {
        assertEquals("training.workers = 2 trains as a barrier stage, which Spark does not run with"
                + " spark.dynamicAllocation.enabled = true; set it to false and give the job 2 task slots",
                assertThrows(InvalidInputException.class, () -> TaskSlots.require(master("yarn")
                        .set("spark.dynamicAllocation.enabled", "true").set("spark.executor.instances", "8"), 1, 2))
                        .getMessage());
    }
}
