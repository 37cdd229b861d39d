package org.sparkdistill.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkdistill.jobs.cli.SparkDistill;
import org.sparkdistill.jobs.config.ConfigLoader;
import org.sparkdistill.jobs.config.DistillConfig;
import org.sparkdistill.jobs.config.SafeYaml;
import org.sparkdistill.jobs.config.SparkConfSettings;
import org.sparkdistill.jobs.config.TeacherConfig;
import org.sparkdistill.jobs.spark.TaskSlots;
import picocli.CommandLine;

/**
 * The shipped workflows run as shipped: both Airflow DAGs compile and render with Jinja as Airflow renders them
 * (through {@code src/test/python/render_workflows.py}, Debian's python3-jinja2), every manifest parses, and every
 * spark-distill command they run parses, with every configuration key and value they set (job files, {@code --set},
 * {@code spark.distill.*}) one the code reads. On Kubernetes, every path a job reads or writes lies on a volume that
 * both the driver and the executors mount, the image is the one the Dockerfile builds, and a training job's barrier
 * stage has its task slots.
 */
class WorkflowsIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path CONF = ROOT.resolve("cluster-conf");
    /** Where the Dockerfile puts the application jar and the job files. */
    private static final String IMAGE_JAR = "/opt/spark-distill/spark-distill.jar";
    private static final String IMAGE_JOBS = "/opt/spark-distill/jobs/";
    private static final String IMAGE = "registry.example.com/spark-distill:";

    /** One task of a rendered DAG. */
    record Task(String file, String dag, String task, String operator, List<String> upstream,
                Map<String, Object> fields) {}

    static List<Task> tasks;

    @BeforeAll
    static void renderTheDags() throws IOException, InterruptedException {
        Process python = new ProcessBuilder("/usr/bin/python3",
                ROOT.resolve("integration-tests/src/test/python/render_workflows.py").toString(),
                CONF.resolve("airflow").toString()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(2, TimeUnit.MINUTES), "the renderer ends");
        assertEquals(0, python.exitValue(), "the DAGs compile and render: " + err);
        tasks = new ObjectMapper().readValue(out, new TypeReference<List<Task>>() {});
    }

    @Test
    void bothDagsRunTeacherInferenceThenDistillationThenEvaluation() {
        for (String dag : List.of("spark_distill_kubernetes", "spark_distill_spark_submit")) {
            Map<String, List<String>> upstream = new LinkedHashMap<>();
            tasks.stream().filter(t -> t.dag().equals(dag)).forEach(t -> upstream.put(t.task(), t.upstream()));
            assertEquals(Map.of("teacher_infer", List.of(), "distill", List.of("teacher_infer"), "evaluate",
                    List.of("distill")), upstream, dag);
        }
    }

    @Test
    void everyKubernetesApplicationTheDagRendersRunsAsShipped() {
        List<Task> kubernetes = tasks.stream().filter(t -> t.operator().equals("SparkKubernetesOperator")).toList();
        assertEquals(3, kubernetes.size());
        for (Task task : kubernetes) {
            Map<String, Object> manifest = map(SafeYaml.load((String) task.fields().get("application_file")));
            assertEquals("SparkApplication", manifest.get("kind"), task.task());
            checkApplication(task.task(), map(manifest.get("spec")));
        }
    }

    @Test
    void theScheduledApplicationRunsAsShipped() throws IOException {
        Map<String, Object> manifest = map(SafeYaml.load(Files.readString(CONF.resolve(
                "kubernetes/scheduled-distill.yaml"))));
        assertEquals("ScheduledSparkApplication", manifest.get("kind"));
        Map<String, Object> spec = map(manifest.get("spec"));
        assertEquals("Forbid", spec.get("concurrencyPolicy"));
        checkApplication("scheduled distill", map(spec.get("template")));
    }

    @Test
    void everySparkSubmitTheDagRendersRunsAsShipped() {
        List<Task> submits = tasks.stream().filter(t -> t.operator().equals("SparkSubmitOperator")).toList();
        assertEquals(3, submits.size());
        for (Task task : submits) {
            Map<String, Object> fields = task.fields();
            assertEquals(IMAGE_JAR, fields.get("application"), task.task());
            assertEquals(SparkDistill.class.getName(), fields.get("java_class"), task.task());
            Map<String, String> conf = strings(map(fields.get("conf")));
            assertEquals("false", conf.get("spark.dynamicAllocation.enabled"), task.task());
            List<String> arguments = strings(list(fields.get("application_args")));
            assertTrue(arguments.stream().noneMatch(a -> a.contains("{{")), "rendered: " + arguments);
            checkCommand(task.task(), arguments, conf, List.of());
        }
    }

    @Test
    void theDockerfileBuildsTheImageTheManifestsRunFromTheBuildsJar() throws IOException {
        String dockerfile = Files.readString(CONF.resolve("docker/Dockerfile"));
        assertTrue(dockerfile.contains("ARG SPARK_IMAGE=apache/spark:" + System.getProperty("build.spark.version")
                + "-scala2.12-java17"), "the base image is the Spark the project builds against");
        assertTrue(dockerfile.contains("ARG JAR=spark-jobs/target/spark-distill-spark3.5_2.12-"
                + System.getProperty("build.version") + ".jar"), "the jar is the build's");
        assertTrue(dockerfile.contains(" " + IMAGE_JAR + "\n"), "the jar goes where the manifests run it");
        assertTrue(dockerfile.contains("COPY cluster-conf/jobs/ " + IMAGE_JOBS + "\n"), "the job files too");
    }

    /** Checks a SparkApplication's spec: image, jar, volumes, the command and its configuration. */
    private static void checkApplication(String name, Map<String, Object> spec) {
        assertTrue(((String) spec.get("image")).startsWith(IMAGE), name + ": the Dockerfile's image");
        assertEquals("local://" + IMAGE_JAR, spec.get("mainApplicationFile"), name);
        assertEquals(SparkDistill.class.getName(), spec.get("mainClass"), name);
        Map<String, String> conf = strings(map(spec.get("sparkConf")));
        Map<String, Object> executor = map(spec.get("executor"));
        conf.put("spark.master", "k8s://https://kubernetes.default.svc");
        conf.put("spark.executor.instances", String.valueOf(executor.get("instances")));
        conf.put("spark.executor.cores", String.valueOf(executor.get("cores")));
        List<String> mounted = mountPaths(map(spec.get("driver")));
        mounted.retainAll(mountPaths(executor));
        checkCommand(name, strings(list(spec.get("arguments"))), conf, mounted);
    }

    /**
     * Checks one spark-distill command line: it parses, its job file and settings load, training has its slots, and,
     * where {@code mounted} is not empty, every path it names lies on one of those volumes.
     */
    private static void checkCommand(String name, List<String> arguments, Map<String, String> conf,
            List<String> mounted) {
        try {
            new CommandLine(new SparkDistill()).parseArgs(arguments.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            fail(name + ": " + arguments + " does not parse: " + e.getMessage());
        }
        SparkConf sparkConf = new SparkConf(false);
        conf.forEach(sparkConf::set);
        Map<String, String> overrides = new LinkedHashMap<>(SparkConfSettings.of(sparkConf));
        Path jobFile = null;
        List<String> paths = new ArrayList<>();
        for (int i = 1; i < arguments.size() - 1; i++) {
            String option = arguments.get(i);
            String value = arguments.get(i + 1);
            if (option.equals("--config")) {
                assertTrue(value.startsWith(IMAGE_JOBS) || value.startsWith("/opt/spark-distill/jobs/"), name
                        + ": the job file is one the image holds: " + value);
                jobFile = CONF.resolve("jobs").resolve(value.substring(value.lastIndexOf('/') + 1));
            } else if (option.equals("--set")) {
                overrides.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
            } else if (List.of("--model", "--data", "--teacher").contains(option)) {
                paths.add(value);
            }
        }
        if (jobFile != null) {
            assertTrue(Files.isRegularFile(jobFile), name + ": " + jobFile + " is shipped");
            DistillConfig config = ConfigLoader.load(jobFile, overrides);
            Stream.of(config.data().train(), config.data().test(), config.cache().path(), config.output(),
                    config.training().checkpointDirectory()).filter(p -> p != null).forEach(paths::add);
            config.teachers().stream().map(TeacherConfig::path).forEach(paths::add);
            if (arguments.get(0).equals("distill")) {
                TaskSlots.require(sparkConf, 1, config.training().workers());
            }
        }
        if (!mounted.isEmpty()) {
            for (String path : paths) {
                assertTrue(mounted.stream().anyMatch(m -> path.startsWith(m + "/")), name + ": " + path
                        + " lies on a volume both the driver and the executors mount, one of " + mounted);
            }
        }
    }

    private static List<String> mountPaths(Map<String, Object> pod) {
        List<String> paths = new ArrayList<>();
        for (Object mount : list(pod.get("volumeMounts"))) {
            paths.add((String) map(mount).get("mountPath"));
        }
        return paths;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "a map: " + value);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        assertTrue(value instanceof List, "a list: " + value);
        return (List<?>) value;
    }

    private static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }

    private static List<String> strings(List<?> list) {
        return list.stream().map(String::valueOf).toList();
    }
}
