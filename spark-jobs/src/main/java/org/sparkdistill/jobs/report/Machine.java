package org.sparkdistill.jobs.report;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.sparkdistill.core.nn.NativeBackend;

/**
 * The machine a report's latencies and throughputs were measured on: the driver's host.
 *
 * @param computeBackend the ND4J backend and path the models ran on, as the provenance names it
 */
public record Machine(String host, int processors, String os, String java, String computeBackend) {

    /** This JVM's machine, with the backend ND4J runs on here. */
    public static Machine current() {
        String computeBackend = NativeBackend.describe();
        return new Machine(hostName(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), computeBackend);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }
}
