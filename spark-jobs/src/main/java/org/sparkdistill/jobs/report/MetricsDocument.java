package org.sparkdistill.jobs.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.jobs.ReleaseVersion;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * What {@code quickstart}, {@code distill} and {@code evaluate} measured, in the one shape their {@value #FILE} has;
 * {@link HtmlReport} draws its {@value HtmlReport#FILE} from it alone.
 *
 * <p>A reader checks {@code schemaVersion} first: it changes whenever a field is renamed, removed or changes meaning;
 * new fields may appear without it changing.
 *
 * @param command the command that wrote it
 * @param version the spark-distill release that wrote it
 * @param classes the class names, by class index, as the labels gave them (their indices when they were numbers)
 * @param models the teachers, then the students or the evaluated model, with their costs and held-out scores
 * @param runs the training runs in the order they ran, with their per-epoch metrics; none for {@code evaluate}
 * @param settings the settings that matter for reading the figures, by name
 */
public record MetricsDocument(int schemaVersion, String command, String version, String title, Machine machine,
                              List<String> classes, List<ModelProfile> models, List<RunSummary> runs,
                              Map<String, Object> settings) {
    public static final String FILE = "metrics.json";
    public static final int SCHEMA_VERSION = 1;

    public MetricsDocument {
        classes = List.copyOf(classes);
        models = List.copyOf(models);
        runs = List.copyOf(runs);
        settings = new LinkedHashMap<>(settings);
    }

    /** A document of the current schema, written by this release on this machine. */
    public static MetricsDocument of(String command, String title, List<String> classes, List<ModelProfile> models,
            List<RunSummary> runs, Map<String, Object> settings) {
        return new MetricsDocument(SCHEMA_VERSION, command, ReleaseVersion.current(), title, Machine.current(),
                classes, models, runs, settings);
    }

    /** The teachers among the models. */
    public List<ModelProfile> teachers() {
        return models.stream().filter(ModelProfile::isTeacher).toList();
    }

    /** The models that are not teachers: the students, or the model evaluated. */
    public List<ModelProfile> others() {
        return models.stream().filter(m -> !m.isTeacher()).toList();
    }

    /** Writes {@value #FILE} and {@value HtmlReport#FILE} into {@code directory}. */
    public void writeTo(StoragePath directory) throws IOException {
        directory.child(FILE).writeText(Json.write(this));
        directory.child(HtmlReport.FILE).writeText(HtmlReport.render(this));
    }
}
