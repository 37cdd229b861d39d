package org.sparkdistill.it.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code SparkSubmit} arguments and driver JVM options of one client-mode submission of the spark-distill command
 * line, as {@code spark-submit} would build them.
 *
 * @param jvmOptions the driver JVM's options: its heap from {@code spark.driver.memory}, then
 *     {@code spark.driver.extraJavaOptions} split at whitespace
 * @param submitArguments the arguments of {@code org.apache.spark.deploy.SparkSubmit}
 */
record SubmitCommand(List<String> jvmOptions, List<String> submitArguments) {
    /** The application every submission runs: the spark-distill command line. */
    static final String APPLICATION_CLASS = "org.sparkdistill.jobs.cli.SparkDistill";

    /**
     * The submission of {@code applicationJar} with {@code arguments} to {@code master}, in client mode, with
     * {@code settings} as {@code --conf key=value} over {@code defaults}.
     */
    static SubmitCommand of(String master, Map<String, String> defaults, Map<String, String> settings,
            Path applicationJar, List<String> arguments) {
        Map<String, String> conf = new TreeMap<>(defaults);
        conf.putAll(settings);
        List<String> submit = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client"));
        conf.forEach((key, value) -> submit.addAll(List.of("--conf", key + "=" + value)));
        submit.addAll(List.of("--class", APPLICATION_CLASS, applicationJar.toString()));
        submit.addAll(arguments);
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + conf.getOrDefault("spark.driver.memory", "1g")));
        String extra = conf.getOrDefault("spark.driver.extraJavaOptions", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(Arrays.asList(extra.split("\\s+")));
        }
        return new SubmitCommand(List.copyOf(jvm), List.copyOf(submit));
    }
}
