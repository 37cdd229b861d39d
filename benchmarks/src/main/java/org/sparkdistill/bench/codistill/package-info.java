/**
 * The codistillation benchmark: ranks as separate processes, linked by shaped links where possible, train the small
 * CNN student on Fashion-MNIST by plain data parallelism and by codistillation in turn, and compare their time to a
 * target test accuracy.
 */
package org.sparkdistill.bench.codistill;
