package org.sparkdistill.jobs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sparkdistill.core.InvalidInputException;

/**
 * One entry of {@code distillation.objectives}: a term of the student's loss.
 *
 * @param type {@code kd} (Hinton's loss at the run's temperature and α), {@code hint} (a FitNet hint) or
 *     {@code mutual} (each peer towards the other peers' predictions)
 * @param weight the term's share of the loss, finite and &gt;= 0
 * @param student the student layer a hint reads; null otherwise
 * @param teacher the teacher output that is a hint, one of a teacher's {@code hints}; null otherwise
 * @param teacherIndex the position in {@code teachers} of the teacher whose output it is, or null for the only teacher
 *     that offers it
 * @param temperature the temperature of a mutual or codistill objective (1 when not given); null otherwise
 */
public record ObjectiveConfig(Type type, double weight, String student, String teacher, Integer teacherIndex,
                              Double temperature) {
    static final Field<Type> TYPE = Field.choice("distillation.objectives[].type", Type.class, null);
    static final Field<Double> WEIGHT = Field.number("distillation.objectives[].weight", 1.0, Range.closed(0, 1e6));
    static final Field<String> STUDENT = Field.text("distillation.objectives[].student", null);
    static final Field<String> TEACHER = Field.text("distillation.objectives[].teacher", null);
    static final Field<Integer> TEACHER_INDEX = Field.integer("distillation.objectives[].teacherIndex", -1,
            Range.closed(0, 1_000));
    static final Field<Double> TEMPERATURE = Field.number("distillation.objectives[].temperature", 1.0,
            Range.openClosed(0, 100));

    /** The keys of an objective's map, in the order they are written. */
    static final List<Field<?>> FIELDS = List.of(TYPE, WEIGHT, STUDENT, TEACHER, TEACHER_INDEX, TEMPERATURE);
    /** The {@code distillation.objectives} key: a list of objectives, empty for the kd objective alone. */
    static final Field<List<ObjectiveConfig>> LIST = Field.records("distillation.objectives", ObjectiveConfig.class, ObjectiveConfig::of,
            ObjectiveConfig::toYaml);

    /** The kinds of objective. */
    public enum Type {
        /** Knowledge distillation on the logits (Hinton et al. 2015). */
        KD,
        /** A FitNet hint from a teacher output to a student layer (Romero et al. 2015). */
        HINT,
        /** Deep mutual learning among peers: each towards the others' predictions (Zhang et al. 2018). */
        MUTUAL,
        /** Codistillation: each group towards the other groups' stale copies (Anil et al. 2018). */
        CODISTILL
    }

    /** A kd or hint objective, which takes no temperature of its own. */
    public ObjectiveConfig(Type type, double weight, String student, String teacher, Integer teacherIndex) {
        this(type, weight, student, teacher, teacherIndex, null);
    }

    /** Checks every component; throws {@link InvalidInputException} naming the key. */
    public ObjectiveConfig {
        if (type == null) {
            throw new InvalidInputException("type: required but missing; must be one of kd, hint, mutual, codistill");
        }
        if (type == Type.MUTUAL || type == Type.CODISTILL) {
            temperature = TEMPERATURE.require(temperature == null ? TEMPERATURE.fallback() : temperature);
        } else if (temperature != null) {
            throw new InvalidInputException("a " + TYPE.toYaml(type) + " objective takes no temperature of its own, got "
                    + "temperature = " + temperature + (type == Type.KD ? "; set distillation.temperature" : ""));
        }
        weight = WEIGHT.require(weight);
        if (type == Type.HINT && (student == null || teacher == null)) {
            throw new InvalidInputException("a hint objective needs both 'student' (a student layer) and 'teacher' (one"
                    + " of a teacher's hints), got student = " + student + ", teacher = " + teacher);
        }
        if (type != Type.HINT && (student != null || teacher != null || teacherIndex != null)) {
            throw new InvalidInputException("a " + TYPE.toYaml(type) + " objective reads the logits: it takes no "
                    + "student, teacher or teacherIndex, got student = " + student + ", teacher = " + teacher
                    + ", teacherIndex = " + teacherIndex);
        }
    }

    /**
     * The objective a parsed YAML map describes.
     *
     * @throws InvalidInputException naming every unknown key and invalid value
     */
    static ObjectiveConfig of(Map<?, ?> item) {
        List<String> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(FIELDS.stream().map(Field::leaf).toList());
        item.keySet().stream().map(String::valueOf).filter(k -> !known.contains(k))
                .forEach(k -> problems.add(Schema.unknown(k, known)));
        Type type = TYPE.read(TYPE.leaf(), item.get(TYPE.leaf()), problems);
        double weight = WEIGHT.read(WEIGHT.leaf(), item.get(WEIGHT.leaf()), problems);
        String student = STUDENT.read(STUDENT.leaf(), item.get(STUDENT.leaf()), problems);
        String teacher = TEACHER.read(TEACHER.leaf(), item.get(TEACHER.leaf()), problems);
        Integer teacherIndex = item.get(TEACHER_INDEX.leaf()) == null ? null
                : TEACHER_INDEX.read(TEACHER_INDEX.leaf(), item.get(TEACHER_INDEX.leaf()), problems);
        Double temperature = item.get(TEMPERATURE.leaf()) == null ? null
                : TEMPERATURE.read(TEMPERATURE.leaf(), item.get(TEMPERATURE.leaf()), problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("; ", problems));
        }
        return new ObjectiveConfig(type, weight, student, teacher, teacherIndex, temperature);
    }

    /** The objective as a YAML flow map. */
    String toYaml() {
        StringBuilder yaml = new StringBuilder("{type: ").append(TYPE.toYaml(type)).append(", weight: ")
                .append(WEIGHT.toYaml(weight));
        if (student != null) {
            yaml.append(", student: ").append(STUDENT.toYaml(student));
        }
        if (teacher != null) {
            yaml.append(", teacher: ").append(TEACHER.toYaml(teacher));
        }
        if (teacherIndex != null) {
            yaml.append(", teacherIndex: ").append(teacherIndex);
        }
        if (temperature != null) {
            yaml.append(", temperature: ").append(TEMPERATURE.toYaml(temperature));
        }
        return yaml.append("}").toString();
    }
}
