package org.sparkdistill.jobs.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.sparkdistill.core.InvalidInputException;
import scala.Tuple2;

/**
 * The settings a Spark configuration carries as {@code spark.distill.<key>}: {@code spark-submit --conf
 * spark.distill.training.epochs=5}, a {@code spark-defaults.conf} line, or a notebook's {@code %spark.conf} paragraph
 * set the configuration key {@code training.epochs}, as {@code --set training.epochs=5} would.
 */
public final class SparkConfSettings {
    /** The prefix that marks a Spark configuration entry as a spark-distill setting. */
    public static final String PREFIX = "spark.distill.";

    private SparkConfSettings() {}

    /**
     * The settings {@code conf} carries, by configuration key, in key order.
     *
     * @throws InvalidInputException naming every {@code spark.distill.*} entry whose key no setting has
     */
    public static Map<String, String> of(SparkConf conf) {
        Map<String, String> settings = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (Tuple2<String, String> entry : conf.getAllWithPrefix(PREFIX)) {
            if (Schema.field(entry._1()) == null && !Schema.TEACHERS.equals(entry._1())) {
                unknown.add(PREFIX + entry._1());
            } else {
                settings.put(entry._1(), entry._2());
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("Spark configuration " + String.join(", ", new TreeSet<>(unknown))
                    + ": unknown spark-distill setting(s); a " + PREFIX + "<key> entry sets <key>, one of: "
                    + String.join(", ", ConfigLoader.KEYS));
        }
        return new LinkedHashMap<>(settings);
    }
}
