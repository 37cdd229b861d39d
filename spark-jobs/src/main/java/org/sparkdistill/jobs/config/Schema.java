package org.sparkdistill.jobs.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;

/**
 * The keys of a {@link DistillConfig} file in the order they are written, and the binding between them and the records.
 *
 * <p>A document is read in two steps: {@link #flatten} turns the nested maps into dotted keys and reports the keys it
 * does not know, then {@link #bind} checks each value and builds the records. Overrides replace dotted keys in between.
 * Every problem is added to a list, so one pass finds them all.
 */
final class Schema {
    /** The top-level key holding the list of teachers, each a map with the keys of {@link TeacherConfig#FIELDS}. */
    static final String TEACHERS = "teachers";

    private static final List<Binding<?>> BEFORE_TEACHERS = List.of(
            new Binding<>(DataConfig.TRAIN, c -> c.data().train()),
            new Binding<>(DataConfig.TEST, c -> c.data().test()),
            new Binding<>(DataConfig.LIMIT, c -> c.data().limit()),
            new Binding<>(DataConfig.FORMAT, c -> c.data().format()),
            new Binding<>(DataConfig.OPTIONS, c -> c.data().options()),
            new Binding<>(DataConfig.TABLE, c -> c.data().table()),
            new Binding<>(DataConfig.TEST_TABLE, c -> c.data().testTable()),
            new Binding<>(DataConfig.FEATURES, c -> c.data().features()),
            new Binding<>(DataConfig.LABEL, c -> c.data().label()),
            new Binding<>(DataConfig.ID, c -> c.data().id()),
            new Binding<>(DataConfig.SHAPE, c -> c.data().shape()),
            new Binding<>(DataConfig.CLASSES, c -> c.data().classes()),
            new Binding<>(DataConfig.LABELS, c -> c.data().labels()),
            new Binding<>(DataConfig.SHARD_MEMORY, c -> c.data().shardMemory()),
            new Binding<>(DataConfig.SHUFFLE_BLOCK, c -> c.data().shuffleBlock()),
            new Binding<>(DataConfig.SHUFFLE_BUFFER, c -> c.data().shuffleBuffer()));
    private static final List<Binding<?>> AFTER_TEACHERS = List.of(
            new Binding<>(DistillConfig.WEIGHTING, DistillConfig::weighting),
            new Binding<>(StudentConfig.ARCHITECTURE, c -> c.student().architecture()),
            new Binding<>(StudentConfig.HIDDEN, c -> c.student().hidden()),
            new Binding<>(StudentConfig.CHANNELS, c -> c.student().channels()),
            new Binding<>(StudentConfig.MODEL, c -> c.student().model()),
            new Binding<>(StudentConfig.UPDATER, c -> c.student().updater()),
            new Binding<>(StudentConfig.LEARNING_RATE, c -> c.student().learningRate()),
            new Binding<>(StudentConfig.SCHEDULE, c -> c.student().learningRateSchedule()),
            new Binding<>(StudentConfig.PEERS, c -> c.student().peers().isEmpty() ? null : c.student().peers()),
            new Binding<>(StudentConfig.KEEP, c -> c.student().keep()),
            new Binding<>(DistillationConfig.TEMPERATURE, c -> c.distillation().temperature()),
            new Binding<>(DistillationConfig.TEMPERATURE_END, c -> c.distillation().temperatureEnd()),
            new Binding<>(DistillationConfig.ALPHA, c -> c.distillation().alpha()),
            new Binding<>(DistillationConfig.ALPHA_END, c -> c.distillation().alphaEnd()),
            new Binding<>(ObjectiveConfig.LIST, c -> c.distillation().objectives().isEmpty() ? null
                    : c.distillation().objectives()),
            new Binding<>(TrainingConfig.EPOCHS, c -> c.training().epochs()),
            new Binding<>(TrainingConfig.BATCH_SIZE, c -> c.training().batchSize()),
            new Binding<>(TrainingConfig.SEED, c -> c.training().seed()),
            new Binding<>(TrainingConfig.WORKERS, c -> c.training().workers()),
            new Binding<>(TrainingConfig.CHECKPOINT_EVERY, c -> c.training().checkpointEvery()),
            new Binding<>(TrainingConfig.CHECKPOINT_DIRECTORY, c -> c.training().checkpointDirectory()),
            new Binding<>(TrainingConfig.ATTEMPTS, c -> c.training().attempts()),
            new Binding<>(TrainingConfig.GRADIENT_BUCKETS, c -> c.training().gradientBuckets()),
            new Binding<>(TrainingConfig.REPLAN_EVERY, c -> c.training().replanEvery()),
            new Binding<>(TrainingConfig.PIPELINE_DEPTH, c -> c.training().pipelineDepth()),
            new Binding<>(TrainingConfig.HANDSHAKE_TIMEOUT, c -> c.training().handshakeTimeout()),
            new Binding<>(TrainingConfig.IO_TIMEOUT, c -> c.training().ioTimeout()),
            new Binding<>(TrainingConfig.GROUPS, c -> c.training().groups()),
            new Binding<>(TrainingConfig.EXCHANGE_EVERY, c -> c.training().exchangeEvery()),
            new Binding<>(CacheConfig.PATH, c -> c.cache().path()),
            new Binding<>(CacheConfig.TOP_K, c -> c.cache().topK()),
            new Binding<>(CacheConfig.TASK_CPUS, c -> c.cache().taskCpus()),
            new Binding<>(CacheConfig.TASK_GPUS, c -> c.cache().taskGpus()),
            new Binding<>(DistillConfig.OUTPUT, DistillConfig::output),
            new Binding<>(DistillConfig.OVERWRITE, DistillConfig::overwrite),
            new Binding<>(DistillConfig.MASTER, DistillConfig::master));
    /** The key of a teacher's map that holds its input settings. */
    private static final String INPUT = "input";

    private static final Map<String, Field<?>> FIELDS = new LinkedHashMap<>();
    /** For each section, and for "" (the top level), the names it may hold, sorted. */
    private static final Map<String, Set<String>> NAMES = new TreeMap<>();

    static {
        Stream.concat(BEFORE_TEACHERS.stream(), AFTER_TEACHERS.stream()).map(Binding::field).forEach(f -> {
            FIELDS.put(f.key(), f);
            NAMES.computeIfAbsent(f.section(), s -> new TreeSet<>()).add(f.leaf());
            NAMES.computeIfAbsent("", s -> new TreeSet<>()).add(f.section().isEmpty() ? f.leaf() : f.section());
        });
        NAMES.get("").add(TEACHERS);
    }

    /** Every key an override may set, sorted. */
    static final List<String> KEYS = Stream.concat(Stream.of(TEACHERS), FIELDS.keySet().stream()).sorted().toList();

    private Schema() {}

    /** A field and where a {@link DistillConfig} keeps its value. */
    private record Binding<T>(Field<T> field, Function<DistillConfig, T> value) {
        void write(DistillConfig config, YamlText yaml) {
            T v = value.apply(config);
            if (v != null) {
                yaml.entry(field.section(), field.leaf(), field.toYaml(v));
            }
        }
    }

    /** The field an override key names, or null. */
    static Field<?> field(String key) {
        return FIELDS.get(key);
    }

    /** The values of a parsed document by dotted key; unknown keys and sections that are not maps are violations. */
    static Map<String, Object> flatten(Map<?, ?> document, List<String> violations) {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Map.Entry<?, ?> top : document.entrySet()) {
            String name = String.valueOf(top.getKey());
            if (FIELDS.containsKey(name) || name.equals(TEACHERS)) {
                flat.put(name, top.getValue());
            } else if (!NAMES.containsKey(name) || name.isEmpty()) {
                violations.add(unknown(name, NAMES.get("")));
            } else if (top.getValue() instanceof Map<?, ?> section) {
                for (Map.Entry<?, ?> inner : section.entrySet()) {
                    String key = name + "." + inner.getKey();
                    if (FIELDS.containsKey(key)) {
                        flat.put(key, inner.getValue());
                    } else {
                        violations.add(unknown(key, NAMES.get(name)));
                    }
                }
            } else if (top.getValue() != null) {
                violations.add(name + " = " + Field.show(top.getValue()) + ": must be a map with the keys "
                        + String.join(", ", NAMES.get(name)));
            }
        }
        return flat;
    }

    /** The configuration the dotted values describe, or null when any violation has been found. */
    static DistillConfig bind(Map<String, Object> flat, List<String> violations) {
        Map<Field<?>, Object> v = new HashMap<>();
        int before = violations.size();
        BEFORE_TEACHERS.forEach(b -> v.put(b.field(), b.field().read(b.field().key(), flat.get(b.field().key()),
                violations)));
        // The data settings are checked together only when each is valid on its own.
        DataConfig data = violations.size() == before ? dataOf(v, violations) : null;
        List<TeacherConfig> teachers = teachers(flat.get(TEACHERS), violations);
        AFTER_TEACHERS.forEach(b -> v.put(b.field(), b.field().read(b.field().key(), flat.get(b.field().key()),
                violations)));
        if (!violations.isEmpty()) {
            return null;
        }
        return new DistillConfig(
                data,
                teachers,
                DistillConfig.WEIGHTING.in(v),
                new StudentConfig(StudentConfig.ARCHITECTURE.in(v), StudentConfig.HIDDEN.in(v),
                        StudentConfig.CHANNELS.in(v), StudentConfig.MODEL.in(v), StudentConfig.UPDATER.in(v),
                        StudentConfig.LEARNING_RATE.in(v), StudentConfig.SCHEDULE.in(v), StudentConfig.PEERS.in(v),
                        StudentConfig.KEEP.in(v)),
                new DistillationConfig(DistillationConfig.TEMPERATURE.in(v), DistillationConfig.TEMPERATURE_END.in(v),
                        DistillationConfig.ALPHA.in(v), DistillationConfig.ALPHA_END.in(v),
                        ObjectiveConfig.LIST.in(v)),
                new TrainingConfig(TrainingConfig.EPOCHS.in(v), TrainingConfig.BATCH_SIZE.in(v),
                        TrainingConfig.SEED.in(v), TrainingConfig.WORKERS.in(v), TrainingConfig.CHECKPOINT_EVERY.in(v),
                        TrainingConfig.CHECKPOINT_DIRECTORY.in(v), TrainingConfig.ATTEMPTS.in(v),
                        TrainingConfig.GRADIENT_BUCKETS.in(v), TrainingConfig.REPLAN_EVERY.in(v),
                        TrainingConfig.PIPELINE_DEPTH.in(v), TrainingConfig.HANDSHAKE_TIMEOUT.in(v),
                        TrainingConfig.IO_TIMEOUT.in(v), TrainingConfig.GROUPS.in(v),
                        TrainingConfig.EXCHANGE_EVERY.in(v)),
                new CacheConfig(CacheConfig.PATH.in(v), CacheConfig.TOP_K.in(v),
                        CacheConfig.TASK_CPUS.in(v), CacheConfig.TASK_GPUS.in(v)),
                DistillConfig.OUTPUT.in(v),
                DistillConfig.OVERWRITE.in(v),
                DistillConfig.MASTER.in(v));
    }

    /** The data section, or null with its violation added when its settings contradict each other. */
    private static DataConfig dataOf(Map<Field<?>, Object> v, List<String> violations) {
        try {
            return new DataConfig(DataConfig.TRAIN.in(v), DataConfig.TEST.in(v), DataConfig.LIMIT.in(v),
                    DataConfig.FORMAT.in(v), DataConfig.OPTIONS.in(v), DataConfig.TABLE.in(v),
                    DataConfig.TEST_TABLE.in(v), DataConfig.FEATURES.in(v), DataConfig.LABEL.in(v),
                    DataConfig.ID.in(v), DataConfig.SHAPE.in(v), DataConfig.CLASSES.in(v), DataConfig.LABELS.in(v),
                    DataConfig.SHARD_MEMORY.in(v), DataConfig.SHUFFLE_BLOCK.in(v), DataConfig.SHUFFLE_BUFFER.in(v));
        } catch (InvalidInputException e) {
            violations.add(e.getMessage());
            return null;
        }
    }

    /** The node for a {@code teachers} override: comma-separated model paths, each with the default weight. */
    static List<Object> teachersFromText(String text) {
        List<Object> teachers = new ArrayList<>();
        if (text != null) {
            for (String path : text.split(",")) {
                if (!path.isBlank()) {
                    teachers.add(Map.of(TeacherConfig.PATH.leaf(), path.strip()));
                }
            }
        }
        return teachers;
    }

    static String toYaml(DistillConfig config) {
        YamlText yaml = new YamlText();
        BEFORE_TEACHERS.forEach(b -> b.write(config, yaml));
        List<List<Map.Entry<String, String>>> items = new ArrayList<>();
        for (TeacherConfig t : config.teachers()) {
            List<Map.Entry<String, String>> item = new ArrayList<>();
            item.add(entry(TeacherConfig.PATH, t.path()));
            item.add(entry(TeacherConfig.WEIGHT, t.weight()));
            if (t.format() != null) {
                item.add(entry(TeacherConfig.FORMAT, t.format()));
            }
            List<String> input = new ArrayList<>();
            for (Map.Entry<String, String> e : List.of(entry(TeacherConfig.LAYOUT, t.layout()),
                    entry(TeacherConfig.SHAPE, t.shape()), entry(TeacherConfig.SCALE, t.scale()),
                    entry(TeacherConfig.MEAN, t.mean()), entry(TeacherConfig.STD, t.std()))) {
                if (e.getValue() != null) {
                    input.add(e.getKey() + ": " + e.getValue());
                }
            }
            item.add(Map.entry(INPUT, "{" + String.join(", ", input) + "}"));
            for (Map.Entry<String, String> e : List.of(entry(TeacherConfig.OUTPUT, t.output()), entry(TeacherConfig.OUTPUT_KIND, t.outputKind()),
                    entry(TeacherConfig.HINTS, t.hints()))) {
                if (e.getValue() != null) {
                    item.add(e);
                }
            }
            items.add(item);
        }
        yaml.list(TEACHERS, items);
        AFTER_TEACHERS.forEach(b -> b.write(config, yaml));
        return yaml.toString();
    }

    /** The leaf of {@code field} and its value as YAML, or a null value when there is none. */
    private static <T> Map.Entry<String, String> entry(Field<T> field, T value) {
        return new java.util.AbstractMap.SimpleEntry<>(field.leaf(), value == null ? null : field.toYaml(value));
    }

    private static List<TeacherConfig> teachers(Object node, List<String> violations) {
        List<TeacherConfig> teachers = new ArrayList<>();
        if (node == null) {
            return teachers;
        }
        Set<String> names = new TreeSet<>(TeacherConfig.FIELDS.stream().map(Field::leaf).toList());
        names.add(INPUT);
        if (!(node instanceof List<?> list)) {
            violations.add(TEACHERS + " = " + Field.show(node) + ": must be a list of maps with the keys "
                    + String.join(", ", names));
            return teachers;
        }
        for (int i = 0; i < list.size(); i++) {
            String name = TEACHERS + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                violations.add(name + " = " + Field.show(list.get(i)) + ": must be a map with the keys "
                        + String.join(", ", names));
                continue;
            }
            item.keySet().stream().map(String::valueOf).filter(k -> !names.contains(k))
                    .forEach(k -> violations.add(unknown(name + "." + k, names)));
            Map<?, ?> input = inputOf(item.get(INPUT), name + "." + INPUT, violations);
            int before = violations.size();
            String path = read(TeacherConfig.PATH, name, item, violations);
            double weight = read(TeacherConfig.WEIGHT, name, item, violations);
            TeacherConfig teacher = new TeacherConfig(path == null ? "?" : path, weight,
                    read(TeacherConfig.FORMAT, name, item, violations),
                    read(TeacherConfig.LAYOUT, name + "." + INPUT, input, violations),
                    read(TeacherConfig.SHAPE, name + "." + INPUT, input, violations),
                    read(TeacherConfig.SCALE, name + "." + INPUT, input, violations),
                    read(TeacherConfig.MEAN, name + "." + INPUT, input, violations),
                    read(TeacherConfig.STD, name + "." + INPUT, input, violations),
                    read(TeacherConfig.OUTPUT, name, item, violations),
                    read(TeacherConfig.OUTPUT_KIND, name, item, violations),
                    read(TeacherConfig.HINTS, name, item, violations));
            if (path != null && violations.size() == before) {
                teachers.add(teacher);
            }
        }
        return teachers;
    }

    /** A teacher's {@code input} map, empty when absent; anything else is a violation. */
    private static Map<?, ?> inputOf(Object node, String name, List<String> violations) {
        Set<String> known = new TreeSet<>(TeacherConfig.INPUT_FIELDS.stream().map(Field::leaf).toList());
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> input)) {
            violations.add(name + " = " + Field.show(node) + ": must be a map with the keys " + String.join(", ", known));
            return Map.of();
        }
        input.keySet().stream().map(String::valueOf).filter(k -> !known.contains(k))
                .forEach(k -> violations.add(unknown(name + "." + k, known)));
        return input;
    }

    /** The value of {@code field} in the map {@code item} found at {@code name}. */
    private static <T> T read(Field<T> field, String name, Map<?, ?> item, List<String> violations) {
        return field.read(name + "." + field.leaf(), item.get(field.leaf()), violations);
    }

    static String unknown(String key, Set<String> known) {
        return Excerpt.of(key) + ": unknown key; known keys: " + String.join(", ", known);
    }
}
