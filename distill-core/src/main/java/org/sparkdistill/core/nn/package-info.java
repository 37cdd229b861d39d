/**
 * The native compute path of the networks: which build of ND4J's natives a JVM loads, and DL4J's convolution and
 * pooling layers running on libnd4j's native ops (oneDNN where the processor allows) instead of their im2col path.
 */
package org.sparkdistill.core.nn;
