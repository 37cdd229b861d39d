package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.train.Replica;
import org.sparkdistill.gradients.collective.Communicator;
import org.sparkdistill.gradients.collective.TcpEndpoint;
import org.sparkdistill.gradients.collective.TcpOptions;
import org.sparkdistill.gradients.overlap.OverlapSettings;

/**
 * Connects the tasks of a barrier stage into a group: each task listens on its executor's host, the tasks exchange
 * addresses and shard sizes through {@link BarrierTaskContext#allGather} (never tensors), then every pair connects
 * over TCP and authenticates with the job's secret.
 *
 * <p>A task {@link #listen listens} as soon as it starts and logs its address, then {@link #join joins} once its
 * shard is read. Connections to its port that do not complete the handshake are refused and logged with their count
 * and address. {@link #close} closes the listening socket or the group, whichever is open. Not thread-safe.
 */
public final class Rendezvous implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);

    private final BarrierTaskContext context;
    private final int rank;
    private final int size;
    private final TcpEndpoint endpoint;
    private Communicator group;

    private Rendezvous(BarrierTaskContext context, TcpEndpoint endpoint) {
        this.context = context;
        this.rank = context.partitionId();
        this.size = context.getTaskInfos().length;
        this.endpoint = endpoint;
    }

    /**
     * Opens the listening socket of the current barrier task, unless it is the only task, and logs its address.
     *
     * @param options the transport's limits, which the group keeps
     */
    public static Rendezvous listen(BarrierTaskContext context, TcpOptions options) {
        int rank = context.partitionId();
        int size = context.getTaskInfos().length;
        if (size == 1) {
            return new Rendezvous(context, null);
        }
        TcpEndpoint endpoint = TcpEndpoint.listen(address(hostOf(context.getTaskInfos()[rank].address())), options);
        LOG.info("rank {} of {} listens for its peers on {}", rank, size, endpoint.address());
        return new Rendezvous(context, endpoint);
    }

    /**
     * Joins the group, announcing this task's shard size, and returns this task's place in it.
     *
     * @param exchange how the group will exchange gradients
     * @throws InvalidInputException if any task's shard is empty
     */
    public Replica join(int shardSize, byte[] secret, OverlapSettings exchange) {
        if (endpoint == null) {
            return new Replica(null, Math.max(1, shardSize), exchange);
        }
        InetSocketAddress address = endpoint.address();
        String[] announced = context.allGather(rank + " " + address.getAddress().getHostAddress() + " "
                + address.getPort() + " " + shardSize);
        InetSocketAddress[] addresses = new InetSocketAddress[size];
        int[] shards = new int[size];
        for (String message : announced) {
            String[] parts = message.split(" ");
            int peer = Integer.parseInt(parts[0]);
            addresses[peer] = new InetSocketAddress(address(parts[1]), Integer.parseInt(parts[2]));
            shards[peer] = Integer.parseInt(parts[3]);
        }
        int smallest = Arrays.stream(shards).min().orElse(0);
        if (smallest == 0) {
            throw new InvalidInputException("shard sizes " + Arrays.toString(shards) + ": a worker got no training"
                    + " rows; use fewer workers (training.workers) than there are rows");
        }
        try {
            group = Communicator.of(endpoint.connect(rank, List.of(addresses), secret));
        } finally {
            List<TcpEndpoint.Refusal> refused = endpoint.refused();
            if (!refused.isEmpty()) {
                LOG.warn("rank {} refused {} connection(s) to its port {} while its group formed: {}", rank,
                        refused.size(), address.getPort(), refused);
            }
        }
        return new Replica(group, Arrays.stream(shards).max().orElseThrow(), exchange);
    }

    @Override
    public void close() {
        if (group != null) {
            group.close();
        } else if (endpoint != null) {
            endpoint.close();
        }
    }

    private static String hostOf(String executorAddress) {
        int colon = executorAddress.lastIndexOf(':');
        return colon < 0 ? executorAddress : executorAddress.substring(0, colon);
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve executor host " + host, e);
        }
    }
}
