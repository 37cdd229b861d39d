package org.sparkdistill.jobs.config;

/**
 * Temperature and distillation weight, each constant or going linearly to an end value.
 *
 * @param temperatureEnd null for a constant temperature
 * @param alpha weight of the distillation term; 1 − α weighs the hard-label cross-entropy
 * @param alphaEnd null for a constant α; from 1 to 0 is teacher annealing
 */
public record DistillationConfig(double temperature, Double temperatureEnd, double alpha, Double alphaEnd) {
    public static final Range TEMPERATURE = Range.openClosed(0, 100);
    public static final Range ALPHA = Range.closed(0, 1);
    public static final DistillationConfig DEFAULT = new DistillationConfig(4.0, null, 0.9, null);

    public DistillationConfig {
        TEMPERATURE.require("distillation.temperature", temperature);
        if (temperatureEnd != null) {
            TEMPERATURE.require("distillation.temperatureEnd", temperatureEnd);
        }
        ALPHA.require("distillation.alpha", alpha);
        if (alphaEnd != null) {
            ALPHA.require("distillation.alphaEnd", alphaEnd);
        }
    }
}
