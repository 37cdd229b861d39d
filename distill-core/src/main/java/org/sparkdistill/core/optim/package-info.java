/**
 * A fused optimizer update: DL4J's updater and step function for Adam, SGD and Nesterov momentum in one pass over the
 * flat parameters, the flat gradient and the flat updater state.
 *
 * <p>{@link org.sparkdistill.core.optim.FusedUpdate} applies only where it computes exactly what DL4J would
 * (one updater configuration for every parameter, no regularization, gradient normalization or constraints);
 * {@link org.sparkdistill.core.optim.FusedUpdate#refusal} says why not otherwise, and the caller keeps DL4J's updater.
 * {@link org.sparkdistill.core.optim.FusedStep} runs one whole training step with it.
 * {@link org.sparkdistill.core.optim.Vectorization} says how its loop becomes vector instructions: the JDK's Vector API
 * where the JVM has its module, on-heap tiles otherwise.
 */
package org.sparkdistill.core.optim;
