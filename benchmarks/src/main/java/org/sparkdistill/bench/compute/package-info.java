/** Convolution compute paths: DL4J's built-in layers on the plain natives against its native helpers on oneDNN. */
package org.sparkdistill.bench.compute;
