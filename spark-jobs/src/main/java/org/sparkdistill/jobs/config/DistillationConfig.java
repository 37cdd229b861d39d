package org.sparkdistill.jobs.config;

import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Temperature and distillation weight, each constant or going linearly to an end value over the run.
 *
 * <p>See: Hinton G., Vinyals O., Dean J. "Distilling the Knowledge in a Neural Network", NIPS Deep Learning
 * Workshop 2014.
 *
 * @param temperature the softmax temperature at the first step
 * @param temperatureEnd the temperature at the last step, or null for a constant temperature
 * @param alpha weight of the distillation term; 1 − α weighs the hard-label cross-entropy
 * @param alphaEnd α at the last step, or null for a constant α; from 1 to 0 is teacher annealing
 * @param objectives the terms of the student's loss; empty for the kd objective alone, weight 1
 */
public record DistillationConfig(double temperature, Double temperatureEnd, double alpha, Double alphaEnd,
                                 List<ObjectiveConfig> objectives) {
    static final Field<Double> TEMPERATURE = Field.number("distillation.temperature", 4.0, Range.openClosed(0, 100));
    static final Field<Double> TEMPERATURE_END = Field.number("distillation.temperatureEnd", null,
            Range.openClosed(0, 100));
    static final Field<Double> ALPHA = Field.number("distillation.alpha", 0.9, Range.closed(0, 1));
    static final Field<Double> ALPHA_END = Field.number("distillation.alphaEnd", null, Range.closed(0, 1));

    /** Constant temperature and α at their defaults. */
    public static final DistillationConfig DEFAULT = new DistillationConfig(TEMPERATURE.fallback(), null,
            ALPHA.fallback(), null, List.of());

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public DistillationConfig {
        temperature = TEMPERATURE.require(temperature);
        temperatureEnd = TEMPERATURE_END.require(temperatureEnd);
        alpha = ALPHA.require(alpha);
        alphaEnd = ALPHA_END.require(alphaEnd);
        objectives = ObjectiveConfig.LIST.require(objectives == null ? List.of() : objectives);
        for (ObjectiveConfig.Type once : List.of(ObjectiveConfig.Type.KD, ObjectiveConfig.Type.MUTUAL,
                ObjectiveConfig.Type.CODISTILL)) {
            if (objectives.stream().filter(o -> o.type() == once).count() > 1) {
                throw new InvalidInputException(ObjectiveConfig.LIST.key() + " lists " + ObjectiveConfig.TYPE.toYaml(once)
                        + " more than once; give it once");
            }
        }
        if (hasMutual(objectives) && objectives.stream().noneMatch(o -> o.type() == ObjectiveConfig.Type.KD)) {
            throw new InvalidInputException(ObjectiveConfig.LIST.key() + " lists mutual without kd, whose label term "
                    + "every peer learns from; add {type: kd}");
        }
    }

    /** Temperature and α schedules with the kd objective alone. */
    public DistillationConfig(double temperature, Double temperatureEnd, double alpha, Double alphaEnd) {
        this(temperature, temperatureEnd, alpha, alphaEnd, List.of());
    }

    /** Whether the peers learn from each other: the objectives list mutual. */
    public boolean hasMutual() {
        return hasMutual(objectives);
    }

    private static boolean hasMutual(List<ObjectiveConfig> objectives) {
        return objectives.stream().anyMatch(o -> o.type() == ObjectiveConfig.Type.MUTUAL);
    }

    /** Whether the groups learn from each other's copies: the objectives list codistill. */
    public boolean hasCodistillation() {
        return objectives.stream().anyMatch(o -> o.type() == ObjectiveConfig.Type.CODISTILL);
    }

    /** Whether an objective reads a teacher output, which needs the teachers to run during training. */
    public boolean hasHints() {
        return objectives.stream().anyMatch(o -> o.type() == ObjectiveConfig.Type.HINT);
    }
}
