package org.sparkdistill.jobs.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.config.SafeYaml;
import org.sparkdistill.jobs.report.Json;
import org.sparkdistill.jobs.storage.StoragePath;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * What a soft-label cache holds, written as {@value #FILE_NAME} in the cache directory after its Parquet table (the
 * directory {@value #TABLE} beside it): the cache is valid only when this file is there, so it is written last.
 *
 * <p>Logits are stored temperature-free (T = 1); {@code distill} applies its own temperature schedule. Every teacher
 * is identified by the SHA-256 of its model zip, the dataset by its {@link DatasetFingerprint}.
 *
 * @param topK the largest logits kept per row and teacher
 * @param full true when topK ≥ numClasses, so every row is kept whole (no indices, no tail)
 * @param numClasses C
 * @param rows the rows of the cache table, one per dataset row
 * @param dataset the fingerprint of the rows the teachers ran on
 * @param teachers per teacher, in the job's teacher order
 * @param created when the cache was written, ISO-8601
 */
public record CacheManifest(int topK, boolean full, int numClasses, long rows, DatasetFingerprint dataset,
                            List<TeacherEntry> teachers, String created) {
    public static final String FILE_NAME = "manifest.json";
    /** The largest manifest read: far more than the teachers and hint layers of any cache need. */
    private static final int MAX_FILE_BYTES = 1 << 20;
    /** The directory of the Parquet table within the cache, apart so that Spark reads no other file as data. */
    public static final String TABLE = "logits";
    /** The version of the layout; a reader refuses any other. */
    public static final String FORMAT = "spark-distill-soft-labels/2";
    /** What the stored logits are: the teachers' logits at T = 1, before any softening. */
    public static final String LOGITS = "temperature-free";

    /**
     * One teacher's part of the cache.
     *
     * @param column the prefix of its columns, {@code t<k>}
     * @param file the model file's name
     * @param sha256 the SHA-256 of the model file, lower-case hex
     * @param settings how the model was run ({@link org.sparkdistill.core.teacher.TeacherDescription#settings})
     * @param hintLayers the hint outputs whose values are cached, in the order configured
     */
    public record TeacherEntry(String column, String file, String sha256, String settings, List<HintColumn> hintLayers) {
        public TeacherEntry {
            hintLayers = List.copyOf(hintLayers);
        }
    }

    /**
     * One cached layer activation.
     *
     * @param layer the layer as configured (index or name)
     * @param column its column
     * @param width the values per row
     */
    public record HintColumn(String layer, String column, int width) {}

    public CacheManifest {
        teachers = List.copyOf(teachers);
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("logits", LOGITS);
        root.put("topK", topK);
        root.put("full", full);
        root.put("numClasses", numClasses);
        root.put("rows", rows);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rows", dataset.rows());
        data.put("xxhash64Xor", dataset.xor());
        data.put("xxhash64Sum", dataset.sum());
        root.put("dataset", data);
        List<Object> list = new ArrayList<>();
        for (TeacherEntry t : teachers) {
            Map<String, Object> teacher = new LinkedHashMap<>();
            teacher.put("column", t.column());
            teacher.put("file", t.file());
            teacher.put("sha256", t.sha256());
            teacher.put("settings", t.settings());
            List<Object> hints = new ArrayList<>();
            for (HintColumn h : t.hintLayers()) {
                Map<String, Object> hint = new LinkedHashMap<>();
                hint.put("layer", h.layer());
                hint.put("column", h.column());
                hint.put("width", h.width());
                hints.add(hint);
            }
            teacher.put("hintLayers", hints);
            list.add(teacher);
        }
        root.put("teachers", list);
        root.put("created", created);
        return Json.write(root);
    }

    public void writeTo(StoragePath directory) throws IOException {
        directory.child(FILE_NAME).writeText(toJson());
    }

    /**
     * Reads the manifest of the cache directory {@code directory}.
     *
     * @throws InvalidInputException naming the directory when it is missing, has no manifest (a cache whose writing
     *     did not finish, or no cache), or its manifest is unreadable or of another format
     */
    public static CacheManifest readFrom(StoragePath directory) {
        if (!directory.isDirectory()) {
            throw new InvalidInputException("cache.path = " + directory.given() + ": no such directory; write the"
                    + " soft-label cache with 'spark-distill teacher-infer' first");
        }
        StoragePath file = directory.child(FILE_NAME);
        if (!file.isFile()) {
            throw new InvalidInputException("soft-label cache " + directory.describe() + " has no " + FILE_NAME
                    + ": it is not a complete cache (teacher-infer writes the manifest last, so its writing did not"
                    + " finish) or not a cache at all; run 'spark-distill teacher-infer' again");
        }
        String text = file.readText(MAX_FILE_BYTES, "soft-label cache manifest");
        Object document;
        try {
            document = SafeYaml.load(text);
        } catch (YAMLException e) {
            throw new InvalidInputException(file.describe() + " is not a readable manifest: "
                    + Excerpt.of(e.getMessage()), e);
        }
        return parse(document, file.describe());
    }

    static CacheManifest parse(Object document, String source) {
        Fields root = Fields.of(source, "", document);
        String format = root.text("format");
        if (!FORMAT.equals(format)) {
            throw new InvalidInputException(source + ": format = " + Excerpt.quoted(format) + ", but this version"
                    + " reads \"" + FORMAT + "\"; write the cache again with this version's teacher-infer");
        }
        String logits = root.text("logits");
        if (!LOGITS.equals(logits)) {
            throw new InvalidInputException(source + ": logits = " + Excerpt.quoted(logits) + ", but only \"" + LOGITS
                    + "\" logits can be softened by distill's temperature");
        }
        int topK = (int) root.whole("topK", 1, Integer.MAX_VALUE);
        int numClasses = (int) root.whole("numClasses", 1, Integer.MAX_VALUE);
        boolean full = root.flag("full");
        if (full != (topK >= numClasses)) {
            throw new InvalidInputException(source + ": full = " + full + " contradicts topK = " + topK
                    + " and numClasses = " + numClasses + " (the rows are kept whole exactly when topK >= numClasses)");
        }
        long rows = root.whole("rows", 0, Long.MAX_VALUE);
        Fields data = root.map("dataset");
        DatasetFingerprint dataset = new DatasetFingerprint(data.whole("rows", 0, Long.MAX_VALUE),
                data.text("xxhash64Xor"), data.text("xxhash64Sum"));
        List<TeacherEntry> teachers = new ArrayList<>();
        List<Fields> listed = root.list("teachers");
        if (listed.isEmpty()) {
            throw new InvalidInputException(source + ": teachers is empty; a cache holds at least one teacher's logits");
        }
        for (int k = 0; k < listed.size(); k++) {
            Fields t = listed.get(k);
            String column = t.text("column");
            if (!column.equals(CacheColumns.teacher(k))) {
                throw new InvalidInputException(source + ": teachers[" + k + "].column = " + Excerpt.quoted(column)
                        + ", but teacher " + k + "'s columns are " + CacheColumns.teacher(k) + "_*");
            }
            List<HintColumn> hints = new ArrayList<>();
            for (Fields h : t.list("hintLayers")) {
                hints.add(new HintColumn(h.text("layer"), h.text("column"), (int) h.whole("width", 1, Integer.MAX_VALUE)));
            }
            teachers.add(new TeacherEntry(column, t.text("file"), t.text("sha256"), t.text("settings"), hints));
        }
        return new CacheManifest(topK, full, numClasses, rows, dataset, teachers, root.text("created"));
    }

    /** The fields of one JSON object, read with messages that name the file and the field's path. */
    private record Fields(String source, String path, Map<?, ?> values) {
        static Fields of(String source, String path, Object node) {
            if (!(node instanceof Map<?, ?> map)) {
                throw new InvalidInputException(source + ": " + (path.isEmpty() ? "the manifest" : "'" + path
                        .substring(0, path.length() - 1) + "'") + " must be a JSON object");
            }
            return new Fields(source, path, map);
        }

        private Object get(String name) {
            Object value = values.get(name);
            if (value == null) {
                throw new InvalidInputException(source + ": field '" + path + name + "' is missing");
            }
            return value;
        }

        private InvalidInputException wrong(String name, Object value, String expected) {
            return new InvalidInputException(source + ": field '" + path + name + "' = " + Excerpt.of(value)
                    + ": must be " + expected);
        }

        String text(String name) {
            Object value = get(name);
            if (!(value instanceof String s)) {
                throw wrong(name, value, "text");
            }
            return s;
        }

        boolean flag(String name) {
            Object value = get(name);
            if (!(value instanceof Boolean b)) {
                throw wrong(name, value, "true or false");
            }
            return b;
        }

        long whole(String name, long min, long max) {
            Object value = get(name);
            if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
                    || ((Number) value).longValue() > max) {
                throw wrong(name, value, "an integer in [" + min + ", " + max + "]");
            }
            return ((Number) value).longValue();
        }

        Fields map(String name) {
            return Fields.of(source, path + name + ".", get(name));
        }

        List<Fields> list(String name) {
            Object value = get(name);
            if (!(value instanceof List<?> items)) {
                throw wrong(name, value, "a JSON array");
            }
            List<Fields> fields = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                fields.add(Fields.of(source, path + name + "[" + i + "].", items.get(i)));
            }
            return fields;
        }
    }
}
