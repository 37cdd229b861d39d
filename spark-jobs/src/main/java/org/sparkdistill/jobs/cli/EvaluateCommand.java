package org.sparkdistill.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.api.Model;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.metrics.HeldOutScores;
import org.sparkdistill.core.objective.StudentGraph;
import org.sparkdistill.jobs.ModelProfiles;
import org.sparkdistill.jobs.TeacherSpecs;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.data.ExampleTable;
import org.sparkdistill.jobs.data.ExampleTables;
import org.sparkdistill.jobs.data.LabelIndex;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.report.HtmlReport;
import org.sparkdistill.jobs.report.MetricsDocument;
import org.sparkdistill.jobs.report.ModelProfile;
import org.sparkdistill.jobs.report.SummaryTable;
import org.sparkdistill.jobs.spark.Sessions;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.LocalCopy;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: measures a model on labelled held-out data, and against teachers when given.
 *
 * <p>The data is described by the same options as {@code prepare}'s. String labels are mapped to classes through the
 * label index saved with the model ({@value LabelIndex#FILE_NAME} beside it, or {@code --label-index}); a string
 * it does not hold is refused.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Report accuracy (per class too), expected calibration error, size and speed and, with",
            "--teacher, agreement and KL, against each teacher's. The data is an IDX directory (its t10k files), a",
            "path Spark reads (--format) or a catalog table (--table). With --output, also metrics.json and",
            "report.html."})
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "DL4J model zip to evaluate,"
            + " a MultiLayerNetwork or a ComputationGraph (a path or a URI such as hdfs://…).")
    String model;

    @Option(names = "--data", paramLabel = "PATH", description = "Held-out data: IDX directory with t10k files, or a path"
            + " Spark reads (default: ${DEFAULT-VALUE}).")
    String data = FashionMnist.DEFAULT_DIR.toString();

    @Mixin
    DataOptions description = new DataOptions();

    @Option(names = "--label-index", paramLabel = "FILE",
            description = "The model's label index, for string labels (default: " + LabelIndex.FILE_NAME
                    + " beside the model).")
    String labelIndex;

    @Option(names = "--teacher", paramLabel = "ZIP", description = "Teacher to compare with; repeat for an ensemble.")
    List<String> teachers = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", description = "Also write " + MetricsDocument.FILE + " and "
            + HtmlReport.FILE + " into this new folder (a path or a URI).")
    String output;

    @Option(names = "--overwrite", description = "Replace an earlier output of evaluate at --output.")
    boolean overwrite;

    @Option(names = "--master", description = "Spark master when not run through spark-submit (default: ${DEFAULT-VALUE}).")
    String master = "local[*]";

    @Override
    public Integer call() {
        // The model, the label index and the output folder are checked before Spark starts.
        Configuration conf = HadoopSettings.beforeSession();
        StoragePath modelFile = StoragePath.of(model, conf);
        TeacherSpecs teacherSpecs = TeacherSpecs.check(teachers, conf);
        long fileBytes;
        Model network;
        try (LocalCopy copy = LocalCopy.of(modelFile, "model file")) {
            network = ModelZip.read(copy.file(), "model file", modelFile.describe()).network();
            fileBytes = copy.file().toFile().length();
        }
        List<NamedPath> inputs = new ArrayList<>(List.of(new NamedPath("--model", model),
                new NamedPath("--data", data)));
        teachers.forEach(teacher -> inputs.add(new NamedPath("--teacher", teacher)));
        try (OutputLock lock = output == null ? null : OutputRules.claim("evaluate", new NamedPath("--output", output),
                OutputRules.Kind.DIRECTORY, overwrite, inputs)) {
            HeldOut heldOut = heldOut(labelIndex(modelFile, conf));
            Examples test = heldOut.examples();
            try {
                StudentGraph.of(network, test.featureCount(), test.numClasses());
            } catch (InvalidInputException e) {
                throw new InvalidInputException("model " + model + ": " + e.getMessage(), e);
            }
            List<ModelProfile> models = ModelProfiles.of(teacherSpecs, test.shape(), test,
                    List.of(new ModelProfiles.Subject(modelFile.name(), ModelProfile.MODEL, network, fileBytes)));
            List<String> classes = LabelIndex.classNames(heldOut.labels(), test.numClasses());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", modelFile.describe());
            settings.put("held-out data", description.table == null ? data : description.table);
            settings.put("held-out examples", test.size());
            settings.put("teachers", teacherSpecs.names());
            MetricsDocument report = MetricsDocument.of("evaluate", "spark-distill evaluate: " + modelFile.name(),
                    classes, models, List.of(), settings);
            ModelProfile measured = models.get(models.size() - 1);
            HeldOutScores m = measured.scores();
            System.out.printf(Locale.ROOT, "accuracy %.2f%%  agreement %.2f%%  KL %.4f  ECE %.2f%%  (%d examples)%n",
                    100 * m.accuracy(), 100 * m.agreement(), m.teacherKl(), 100 * m.ece(), test.size());
            for (int c = 0; c < classes.size(); c++) {
                System.out.printf(Locale.ROOT, "  class %s: accuracy %.2f%%%n", classes.get(c),
                        100 * m.accuracyPerClass().get(c));
            }
            System.out.print(SummaryTable.of(report));
            if (output != null) {
                PublishedOutput.publish(StoragePath.of(output, conf), "evaluate", overwrite, report::writeTo);
                System.out.println("wrote " + StoragePath.of(output, conf).child(HtmlReport.FILE).describe());
            }
        } finally {
            NetworkMemory.release(network);
        }
        return 0;
    }

    /** The held-out examples and the label index their string labels went through, or null. */
    private record HeldOut(Examples examples, LabelIndex labels) {}

    /** Reads the held-out data on Spark, mapping string labels through {@code index} (null: none saved). */
    private HeldOut heldOut(LabelIndex index) {
        DataConfig table = description.toConfig(description.table == null ? data : null);
        try (Sessions.Scope session = Sessions.open("evaluate", master)) {
            ExampleTables.Source source = description.table == null
                    ? new ExampleTables.Source("--data", data, false, "t10k")
                    : new ExampleTables.Source("--table", description.table, true, "t10k");
            ExampleTables.Expected expected = ExampleTables.Expected.of(table, "test accuracy");
            if (index != null) {
                expected = new ExampleTables.Expected(expected.shape(), expected.classes(), index, "test accuracy");
            }
            ExampleTable read = ExampleTables.read(session.spark(), source, table, expected, 0);
            if (read.labels() != null && index == null && table.labels().isEmpty()) {
                throw new InvalidInputException(read.source() + " has string labels, but the model " + model
                        + " has no " + LabelIndex.FILE_NAME + " beside it to map them to its classes; give it with"
                        + " --label-index");
            }
            return new HeldOut(read.collect(), read.labels());
        }
    }

    /** The label index given, or the one saved beside the model, or null when there is none. */
    private LabelIndex labelIndex(StoragePath modelFile, Configuration conf) {
        if (labelIndex != null) {
            return LabelIndex.readFrom(StoragePath.of(labelIndex, conf));
        }
        StoragePath beside = modelFile.sibling(LabelIndex.FILE_NAME);
        return beside.isFile() ? LabelIndex.readFrom(beside) : null;
    }
}
