package org.sparkdistill.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class SparkConfSettingsTest {
    @Test
    void everySparkDistillEntrySetsItsKeyAndOtherEntriesAreLeftToSpark() {
        SparkConf conf = new SparkConf(false).set("spark.distill.training.epochs", "5")
                .set("spark.distill.teachers", "/m/a.zip,/m/b.zip").set("spark.executor.memory", "4g")
                .set("spark.distillery", "x");

        assertEquals(Map.of("training.epochs", "5", "teachers", "/m/a.zip,/m/b.zip"), SparkConfSettings.of(conf));
    }

    @Test
    void anEmptyConfigurationSetsNothing() {
        assertEquals(Map.of(), SparkConfSettings.of(new SparkConf(false)));
    }

    @Test
    void unknownSettingsAreRefusedAllAtOnceByTheirSparkNames() {
        SparkConf conf = new SparkConf(false).set("spark.distill.training.epoch", "5")
                .set("spark.distill.alpha", "0.5").set("spark.distill.training.seed", "1");

        String message = assertThrows(InvalidInputException.class, () -> SparkConfSettings.of(conf)).getMessage();

        assertTrue(message.startsWith("Spark configuration spark.distill.alpha, spark.distill.training.epoch: unknown"
                + " spark-distill setting(s); a spark.distill.<key> entry sets <key>, one of: "), message);
        assertTrue(message.contains("distillation.alpha"), message);
    }
}
