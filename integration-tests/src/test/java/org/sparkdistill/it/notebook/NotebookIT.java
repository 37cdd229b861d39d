package org.sparkdistill.it.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every shipped Zeppelin note as Zeppelin would: the {@code %spark.conf} paragraph first configures the session,
 * then every {@code %spark} paragraph in order in one Scala 2.12 interpreter with {@code spark}, {@code sc} and a
 * minimal {@code z} bound and Zeppelin's imports, and every {@code %sql} paragraph through {@code spark.sql}; any error
 * fails the test, naming the paragraph. The notes' conventions are checked too: {@code %spark.conf} first, with
 * {@code spark.jars}; every paragraph names its interpreter; none touches the job group, which Zeppelin owns.
 */
class NotebookIT {
    private static final Path NOTES = Path.of(System.getProperty("user.dir")).getParent().resolve("notebooks");

    @TempDir
    static Path work;

    @BeforeAll
    static void aScalaInterpreterSeesTheTestClasspath() throws IOException {
        // The Scala compiler reads the classpath from java.class.path, which for a forked test JVM is a jar whose
        // manifest lists the real entries.
        System.setProperty("java.class.path", expanded(System.getProperty("java.class.path")));
        System.setProperty("notes.spark-distill.data", System.getProperty("fashion.mnist.dir"));
        System.setProperty("notes.spark-distill.work", work.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"walkthrough.zpln", "multi-teacher.zpln"})
    void everyParagraphRunsInOrder(String file) throws IOException, ScriptException {
        JsonNode note = new ObjectMapper().readTree(NOTES.resolve(file).toFile());
        List<JsonNode> paragraphs = new ArrayList<>();
        note.path("paragraphs").forEach(paragraphs::add);
        assertTrue(paragraphs.size() > 3, file);
        for (JsonNode paragraph : paragraphs) {
            String text = paragraph.path("text").asText();
            assertTrue(text.startsWith("%"), file + ": every paragraph names its interpreter: " + text);
            assertFalse(text.contains("setJobGroup"), file + ": the job group is Zeppelin's");
        }
        String conf = paragraphs.get(0).path("text").asText();
        assertTrue(conf.startsWith("%spark.conf\n") && conf.contains("\nspark.jars "), file
                + ": the first paragraph puts the jar on the interpreter's classpath: " + conf);

        SparkConf sparkConf = new SparkConf(false).setMaster("local[2]").setAppName("zeppelin " + file)
                .set("spark.ui.enabled", "false");
        for (String line : conf.lines().skip(1).toList()) {
            String[] setting = line.trim().split("\\s+", 2);
            // The jar is on the test's classpath already, and the JVM options are the test JVM's.
            if (setting.length == 2 && !setting[0].equals("spark.jars") && !setting[0].endsWith("extraJavaOptions")) {
                sparkConf.set(setting[0], setting[1]);
            }
        }
        SparkSession spark = SparkSession.builder().config(sparkConf).getOrCreate();
        ZeppelinStandIn z = new ZeppelinStandIn();
        try {
            ScriptEngine scala = new ScriptEngineManager().getEngineByName("scala");
            assertNotNull(scala, "the Scala interpreter starts");
            scala.put("sparkBinding", spark);
            scala.put("zBinding", z);
            scala.eval("val spark = sparkBinding.asInstanceOf[org.apache.spark.sql.SparkSession]\n"
                    + "val sc = spark.sparkContext\n"
                    + "val z = zBinding.asInstanceOf[" + ZeppelinStandIn.class.getName() + "]\n"
                    + "import spark.implicits._\nimport spark.sql\nimport org.apache.spark.sql.functions._\n");
            int run = 0;
            for (JsonNode paragraph : paragraphs.subList(1, paragraphs.size())) {
                String text = paragraph.path("text").asText();
                String interpreter = text.substring(0, text.indexOf('\n'));
                String body = text.substring(text.indexOf('\n') + 1);
                String title = file + ", paragraph '" + paragraph.path("title").asText() + "'";
                try {
                    switch (interpreter) {
                        case "%spark" -> scala.eval(body);
                        case "%sql" -> assertFalse(spark.sql(body).collectAsList().isEmpty(), title
                                + ": the query returns rows");
                        case "%md" -> { }
                        default -> fail(title + ": an interpreter this test does not know: " + interpreter);
                    }
                } catch (ScriptException | RuntimeException e) {
                    throw new AssertionError(title + " failed: " + e.getMessage(), e);
                }
                run++;
            }
            assertEquals(paragraphs.size() - 1, run);
            assertTrue(z.shown() > 0, file + ": a table is shown");
            assertFalse(spark.sparkContext().isStopped(), file + ": the note's session is still running");
        } finally {
            spark.stop();
        }
    }

    /** {@code classPath}, with a jar whose manifest lists the real entries replaced by those entries. */
    static String expanded(String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Manifest manifest = null;
            if (entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry)) {
                    manifest = jar.getManifest();
                }
            }
            String listed = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (listed == null || listed.isBlank()) {
                entries.add(entry);
                continue;
            }
            URL base = Path.of(entry).toUri().toURL();
            for (String relative : listed.trim().split("\\s+")) {
                entries.add(Path.of(URI.create(new URL(base, relative).toString())).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
