package org.sparkdistill.jobs.config;

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
 */
public record DistillationConfig(double temperature, Double temperatureEnd, double alpha, Double alphaEnd) {
    static final Field<Double> TEMPERATURE = Field.number("distillation.temperature", 4.0, Range.openClosed(0, 100));
    static final Field<Double> TEMPERATURE_END = Field.number("distillation.temperatureEnd", null,
            Range.openClosed(0, 100));
    static final Field<Double> ALPHA = Field.number("distillation.alpha", 0.9, Range.closed(0, 1));
    static final Field<Double> ALPHA_END = Field.number("distillation.alphaEnd", null, Range.closed(0, 1));

    /** Constant temperature and α at their defaults. */
    public static final DistillationConfig DEFAULT = new DistillationConfig(TEMPERATURE.fallback(), null,
            ALPHA.fallback(), null);

    /** Checks every component; throws {@link org.sparkdistill.core.InvalidInputException} naming the key. */
    public DistillationConfig {
        temperature = TEMPERATURE.require(temperature);
        temperatureEnd = TEMPERATURE_END.require(temperatureEnd);
        alpha = ALPHA.require(alpha);
        alphaEnd = ALPHA_END.require(alphaEnd);
    }
}
