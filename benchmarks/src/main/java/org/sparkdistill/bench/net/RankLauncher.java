package org.sparkdistill.bench.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sparkdistill.gradients.collective.TcpEndpoint;

/**
 * Starts one JVM per rank of a {@link ShapedNetwork}, each running {@code mainClass} in its rank's namespace with this
 * JVM's classpath, and waits for them all; when one fails, it stops the others.
 *
 * <p>Each rank reads its rank, the rank count, its bind address, the rendezvous directory and the group's fresh
 * secret with {@link RankContext#fromEnvironment()}. Rank 0's standard output is this JVM's, the other ranks' is
 * discarded, and every rank's standard error is this JVM's. If this JVM is stopped (SIGINT, SIGTERM) while the ranks
 * run, a shutdown hook stops them and deletes the rendezvous directory.
 *
 * @param mainClass the class whose {@code main} every rank runs
 * @param jvmOptions options for every rank's JVM, such as {@code -Xmx1g}
 * @param environment added to this JVM's environment for every rank, such as {@code OMP_NUM_THREADS}
 */
public record RankLauncher(String mainClass, List<String> jvmOptions, Map<String, String> environment) {
    public RankLauncher {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    /** A launcher of {@code mainClass} with {@code jvmOptions} and this JVM's environment. */
    public static RankLauncher of(Class<?> mainClass, String... jvmOptions) {
        return new RankLauncher(mainClass.getName(), List.of(jvmOptions), Map.of());
    }

    /** Runs one process per rank of {@code network}, each with {@code arguments}, and returns how they ended. */
    public RankExits run(ShapedNetwork network, List<String> arguments) throws IOException, InterruptedException {
        Path rendezvous = Files.createTempDirectory("ranks-");
        String secret = HexFormat.of().formatHex(TcpEndpoint.newSecret());
        RankGroup group = new RankGroup();
        Thread hook = new Thread(() -> {
            group.stop();
            try {
                deleteTree(rendezvous);
            } catch (IOException e) {
                System.err.println("could not delete the rendezvous directory: " + e.getMessage());
            }
        }, "rank-launcher-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int rank = 0; rank < network.ranks(); rank++) {
                RankContext context = new RankContext(rank, network.ranks(), network.address(rank), rendezvous, secret,
                        ProcessHandle.current().pid());
                group.start(processBuilder(network.commandPrefix(rank), context, arguments));
            }
            return group.await();
        } finally {
            group.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is stopping the same processes and deleting the same directory.
            }
            deleteTree(rendezvous);
        }
    }

    private ProcessBuilder processBuilder(List<String> prefix, RankContext context, List<String> arguments) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(context.rank() == 0 ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        builder.environment().putAll(context.environment());
        return builder;
    }

    /** Deletes {@code directory} and its files; the shutdown hook may be deleting them at the same time. */
    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException gone) {
            // Already deleted.
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
        }
    }
}
