/**
 * Collectives between data-parallel ranks: {@link org.sparkdistill.gradients.collective.Communicator}
 * (ring all-reduce, broadcast, all-gather, barrier, sub-groups) over a small
 * {@link org.sparkdistill.gradients.collective.Transport}, with an authenticated TCP transport
 * ({@link org.sparkdistill.gradients.collective.TcpEndpoint}) and an in-process one for tests; a
 * {@link org.sparkdistill.gradients.collective.KeepAlive} scope keeps peers waiting on a rank busy with local work.
 */
package org.sparkdistill.gradients.collective;
