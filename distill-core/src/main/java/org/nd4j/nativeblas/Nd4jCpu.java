package org.nd4j.nativeblas;

import java.lang.reflect.InvocationTargetException;

/**
 * The class under the name where Deeplearning4j 1.0.0-M2.1 looks for ND4J's CPU environment before it lets a
 * convolution or pooling layer use its oneDNN helper.
 *
 * <p>{@code BaseMKLDNNHelper.mklDnnEnabled()} loads {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name and calls
 * {@code getInstance().isUseMKLDNN()}; ND4J 1.0.0-M2.1 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method {@code isUseONEDNN}, so
 * without this class the check throws, DL4J drops the helper and every {@code ConvolutionLayer} falls back to its
 * slow im2col path. This class answers the check from the moved environment. DL4J asks it only on the CPU backend.
 */
public final class Nd4jCpu {
    private static final String MOVED_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Nd4jCpu() {}

    /** The environment DL4J's helper check reads. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether ND4J's CPU backend runs its convolution and pooling ops through oneDNN where it was built with it. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> moved = Class.forName(MOVED_ENVIRONMENT);
                Object environment = moved.getMethod("getInstance").invoke(null);
                return (Boolean) moved.getMethod("isUseONEDNN").invoke(environment);
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException("ND4J's CPU backend has no " + MOVED_ENVIRONMENT + ".isUseONEDNN()", e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("reading " + MOVED_ENVIRONMENT + ".isUseONEDNN() failed", e.getCause());
            }
        }
    }
}
