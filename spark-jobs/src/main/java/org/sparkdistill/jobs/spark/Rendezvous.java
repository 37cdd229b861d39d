package org.sparkdistill.jobs.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
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
 */
public final class Rendezvous implements AutoCloseable {
    private final Communicator group;
    private final Replica replica;

    private Rendezvous(Communicator group, Replica replica) {
        this.group = group;
        this.replica = replica;
    }

    /**
     * Joins the group of the current barrier task, announcing this task's shard size.
     *
     * @param exchange how the group will exchange gradients
     */
    public static Rendezvous join(BarrierTaskContext context, int shardSize, byte[] secret, TcpOptions options,
            OverlapSettings exchange) {
        int rank = context.partitionId();
        int size = context.getTaskInfos().length;
        if (size == 1) {
            return new Rendezvous(null, new Replica(null, Math.max(1, shardSize), exchange));
        }
        String host = hostOf(context.getTaskInfos()[rank].address());
        TcpEndpoint endpoint = TcpEndpoint.listen(address(host), options);
        int port = endpoint.address().getPort();
        String[] announced = context.allGather(rank + " " + host + " " + port + " " + shardSize);
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
            endpoint.close();
            throw new InvalidInputException("shard sizes " + Arrays.toString(shards) + ": a worker got no training"
                    + " rows; use fewer workers (training.workers) than there are rows");
        }
        Communicator group = Communicator.of(endpoint.connect(rank, new ArrayList<>(List.of(addresses)), secret));
        return new Rendezvous(group, new Replica(group, Arrays.stream(shards).max().orElseThrow(), exchange));
    }

    /** This task's place among the replicas. */
    public Replica replica() {
        return replica;
    }

    @Override
    public void close() {
        if (group != null) {
            group.close();
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
