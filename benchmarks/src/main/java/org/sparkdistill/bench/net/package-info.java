/**
 * Rank processes for benchmarks, each in its own network namespace behind shaped links, or on loopback.
 *
 * <p>A benchmark's launcher opens a {@link org.sparkdistill.bench.net.ShapedNetwork} for a
 * {@link org.sparkdistill.bench.net.LinkSpec} and runs its rank class with a
 * {@link org.sparkdistill.bench.net.RankLauncher}; the rank class reads its
 * {@link org.sparkdistill.bench.net.RankContext}, binds to its address, and finds the other ranks through the
 * rendezvous directory:
 *
 * <pre>{@code
 * try (ShapedNetwork network = ShapedNetwork.open(2, LinkSpec.parse("shaped:1gbit"))) {
 *     RankExits exits = RankLauncher.of(MyRank.class, "-Xmx1g").run(network, List.of());
 * }
 * // in MyRank.main:
 * RankContext context = RankContext.fromEnvironment();
 * TcpEndpoint endpoint = TcpEndpoint.listen(context.bindAddress(), options);
 * context.announce(context.bindAddress().getHostAddress() + " " + endpoint.address().getPort());
 * List<String> everyRank = context.awaitAll();
 * }</pre>
 */
package org.sparkdistill.bench.net;
