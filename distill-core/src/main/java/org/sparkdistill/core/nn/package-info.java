/**
 * The native compute path of the networks: which build of ND4J's natives a JVM loads; DL4J's convolution and pooling
 * layers running on libnd4j's native ops (oneDNN where the processor allows) instead of their im2col path; and the
 * dense layer that keeps its pre-activation for the backward pass, which a {@link ComputePath} puts in a training
 * graph's plain dense layers' place.
 */
package org.sparkdistill.core.nn;
