package org.sparkdistill.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine: a Master and N Workers, each its own JVM, running applications submitted
 * through {@code SparkSubmit} in client mode, as a user would.
 *
 * <p>Every process binds to 127.0.0.1, on ports found free at start, and runs from the SPARK_HOME the build assembled.
 * Logs and work directories go under one directory per cluster, {@link #directory()}. {@link #close()} stops every
 * process the cluster started and their descendants (the executors), and waits for them to exit; should the test JVM
 * exit without closing, a shutdown hook kills them.
 *
 * <p>{@link #submit} blocks; {@link #executorPids()}, {@link #killExecutor(long)}, {@link #pauseExecutor(long)},
 * {@link #resumeExecutor(long)} and {@link #close()} may be called from another thread meanwhile. Otherwise not
 * thread-safe.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    /**
     * Settings every submission starts from; those given to {@link #submit} override them. ND4J keeps its arrays
     * off-heap, so an executor needs room beside its heap: the worker's memory bounds only the heap.
     */
    public static final Map<String, String> JOB_DEFAULTS = Map.of(
            "spark.ui.enabled", "false",
            "spark.driver.host", HOST,
            "spark.driver.memory", "2g",
            "spark.executor.memory", "2g",
            "spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=3G");

    private static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final String DAEMON_HEAP = "-Xmx512m";
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterSpec spec;
    private final BuildLayout layout;
    private final Path directory;
    private final String masterUrl;
    private final int masterWebUiPort;
    private final List<Integer> workerWebUiPorts;
    private ClusterProcess master;
    private final List<ClusterProcess> workers = new ArrayList<>();
    private final List<Path> workDirectories = new ArrayList<>();
    private final Set<ClusterProcess> drivers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger submissions = new AtomicInteger();
    private final Thread shutdownHook = new Thread(this::kill, "kill Spark standalone cluster");
    private boolean closed;

    private StandaloneCluster(ClusterSpec spec, BuildLayout layout, Path directory) {
        this.spec = spec;
        this.layout = layout;
        this.directory = directory;
        List<Integer> ports = freePorts(2 + spec.workers());
        this.masterUrl = "spark://" + HOST + ":" + ports.get(0);
        this.masterWebUiPort = ports.get(1);
        this.workerWebUiPorts = ports.subList(2, ports.size());
    }

    /** Starts a cluster of {@link ClusterSpec#defaults()}: two workers with one core and 3 GB each. */
    public static StandaloneCluster start() {
        return start(ClusterSpec.defaults());
    }

    /**
     * Starts a Master and the specified Workers, and returns once every worker has registered as ALIVE.
     *
     * @throws IllegalStateException when a process exits during start or the workers are not all ALIVE in time, with
     *     the last lines of every log; whatever was started is stopped first
     */
    public static StandaloneCluster start(ClusterSpec spec) {
        BuildLayout layout = BuildLayout.fromSystemProperties();
        Path directory = layout.newWorkDirectory("cluster-");
        StandaloneCluster cluster = new StandaloneCluster(spec, layout, directory);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.launchDaemons();
            cluster.awaitWorkers();
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** The Master's URL, {@code spark://127.0.0.1:<port>}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The directory holding this cluster's logs and the workers' work directories. */
    public Path directory() {
        return directory;
    }

    /**
     * Runs the spark-distill command line on this cluster through {@code SparkSubmit} in client mode, in a driver JVM
     * of its own, and waits for it to exit.
     *
     * @param arguments the application's arguments, such as {@code distill --data ...}
     * @param conf Spark settings, passed as {@code --conf key=value} over {@link #JOB_DEFAULTS};
     *     {@code spark.driver.memory} and {@code spark.driver.extraJavaOptions} also shape the driver JVM, as
     *     {@code spark-submit} does in client mode (options split at whitespace)
     * @throws IllegalStateException when the driver is still running after {@link ClusterSpec#submitTimeout()}; it is
     *     stopped first
     */
    public Submission submit(List<String> arguments, Map<String, String> conf) {
        SubmitCommand command = SubmitCommand.of(masterUrl, JOB_DEFAULTS, conf, layout.applicationJar(), arguments);
        ClusterProcess driver;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            String name = "driver-" + submissions.incrementAndGet();
            driver = launch(name, command.jvmOptions(), SparkHome.SUBMIT_CLASS, command.submitArguments());
            drivers.add(driver);
        }
        try {
            OptionalInt exit = driver.awaitExit(spec.submitTimeout());
            if (exit.isEmpty()) {
                ProcessTrees.stop(List.of(driver.handle()), STOP_GRACE);
                throw new IllegalStateException("spark-submit " + String.join(" ", arguments) + " was still running"
                        + " after " + spec.submitTimeout().toSeconds() + " s and was stopped\n"
                        + driver.describeWithLogTail());
            }
            return new Submission(arguments, exit.getAsInt(), driver.output(), driver.log());
        } finally {
            drivers.remove(driver);
        }
    }

    /** The pids of the live executor JVMs, children of this cluster's workers, in ascending order. */
    public List<Long> executorPids() {
        return executors().map(ProcessHandle::pid).sorted().toList();
    }

    /**
     * Waits until exactly {@code count} executors are alive and returns their pids: the executors of a submission
     * running in another thread, or none once it has ended and the workers have stopped them.
     *
     * @throws IllegalStateException when a daemon or driver exits first, or {@code timeout} passes
     */
    public List<Long> awaitExecutors(int count, Duration timeout) {
        return Await.until(count + " live executors", timeout, processes(), () -> {
            List<Long> pids = executorPids();
            return pids.size() == count ? Await.Look.holds(pids) : Await.Look.notYet("executor pids " + pids);
        });
    }

    /**
     * Waits until {@code condition} holds while the cluster's processes stay alive, e.g. for a running job's first
     * checkpoint.
     *
     * @throws IllegalStateException when a daemon or driver exits first, or {@code timeout} passes
     */
    public void await(String goal, Duration timeout, BooleanSupplier condition) {
        Await.until(goal, timeout, processes(), () -> condition.getAsBoolean() ? Await.Look.holds(Boolean.TRUE)
                : Await.Look.notYet("not yet"));
    }

    /**
     * Kills one executor JVM with KILL, as a crashed machine would, and waits for it to exit.
     *
     * @throws IllegalArgumentException when {@code pid} is not a live executor of this cluster
     */
    public void killExecutor(long pid) {
        ProcessHandle executor = executor(pid);
        executor.destroyForcibly();
        if (!ProcessTrees.awaitExit(List.of(executor), KILL_TIMEOUT).isEmpty()) {
            throw new IllegalStateException("executor pid " + pid + " was still alive " + KILL_TIMEOUT.toSeconds()
                    + " s after KILL");
        }
    }

    /**
     * Freezes one executor JVM with STOP, as a paused virtual machine or a process stuck in a long pause would be: its
     * connections stay open and its kernel still accepts bytes until the socket buffers are full, but it answers
     * nothing. {@link #resumeExecutor} lets it run again; {@link #close} kills it, frozen or not.
     *
     * @throws IllegalArgumentException when {@code pid} is not a live executor of this cluster
     */
    public void pauseExecutor(long pid) {
        ProcessTrees.signal(executor(pid), "STOP");
    }

    /** Lets an executor frozen by {@link #pauseExecutor} run again with CONT; does nothing once it has exited. */
    public void resumeExecutor(long pid) {
        executors().filter(process -> process.pid() == pid).findFirst()
                .ifPresent(executor -> ProcessTrees.signal(executor, "CONT"));
    }

    /**
     * The pid of the live executor writing {@code log}, one of {@link #executorLogs()}.
     *
     * @throws IllegalArgumentException when no live executor of this cluster writes it
     */
    public long executorPid(Path log) {
        String executorId = log.getParent().getFileName().toString();
        String applicationId = log.getParent().getParent().getFileName().toString();
        return executors().filter(process -> {
            List<String> arguments = List.of(process.info().commandLine().orElse("").split(" "));
            int id = arguments.indexOf("--executor-id");
            int app = arguments.indexOf("--app-id");
            return id >= 0 && app >= 0 && id + 1 < arguments.size() && app + 1 < arguments.size()
                    && arguments.get(id + 1).equals(executorId) && arguments.get(app + 1).equals(applicationId);
        }).findFirst().map(ProcessHandle::pid).orElseThrow(() -> new IllegalArgumentException("no live executor of"
                + " this cluster writes " + log + "; live executors: " + executorPids()));
    }

    /**
     * The standard error files of every executor the workers have launched, by worker, application and executor id.
     * Each begins with the command line the worker ran: {@code Spark Executor Command: ...}.
     */
    public List<Path> executorLogs() {
        List<Path> logs = new ArrayList<>();
        for (Path work : workDirectories) {
            try (Stream<Path> files = Files.find(work, 3, (file, attributes) -> attributes.isRegularFile()
                    && file.getFileName().toString().equals("stderr"))) {
                files.sorted().forEach(logs::add);
            } catch (IOException e) {
                throw new UncheckedIOException("could not list the executor logs under " + work, e);
            }
        }
        return logs;
    }

    /**
     * Stops the drivers, then the Workers with their executors, then the Master, waiting each time for the processes
     * to exit; then deletes the executors' copies of the application jar, keeping every log.
     *
     * @throws IllegalStateException naming any process still alive after KILL
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Drivers first: once no application runs, the Master asks no Worker to launch an executor.
        List<Runnable> steps = List.of(
                () -> ProcessTrees.stop(drivers.stream().map(ClusterProcess::handle).toList(), STOP_GRACE),
                () -> ProcessTrees.stop(workers.stream().map(ClusterProcess::handle).toList(), STOP_GRACE),
                () -> ProcessTrees.stop(Stream.ofNullable(master).map(ClusterProcess::handle).toList(), STOP_GRACE),
                this::deleteApplicationJarCopies);
        RuntimeException failure = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // The hook is running or about to run; it finds nothing left to kill.
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Spark standalone cluster " + masterUrl + " with " + spec.workers() + " workers in " + directory;
    }

    private void launchDaemons() {
        String masterPort = masterUrl.substring(masterUrl.lastIndexOf(':') + 1);
        master = launch("master", List.of(DAEMON_HEAP), "org.apache.spark.deploy.master.Master",
                List.of("--host", HOST, "--port", masterPort, "--webui-port", String.valueOf(masterWebUiPort)));
        for (int i = 0; i < spec.workers(); i++) {
            Path work = directory.resolve("worker-" + i).resolve("work");
            workDirectories.add(work);
            workers.add(launch("worker-" + i, List.of(DAEMON_HEAP), "org.apache.spark.deploy.worker.Worker",
                    List.of("--host", HOST, "--cores", String.valueOf(spec.coresPerWorker()),
                            "--memory", spec.memoryPerWorker(), "--work-dir", work.toString(),
                            "--webui-port", String.valueOf(workerWebUiPorts.get(i)), masterUrl)));
        }
    }

    /** Starts one JVM on Spark's classpath, with its working and local directories under {@code directory/name}. */
    private ClusterProcess launch(String name, List<String> jvmOptions, String mainClass, List<String> arguments) {
        Path home = directory.resolve(name);
        Map<String, String> environment = new HashMap<>(layout.sparkHome().environment());
        environment.put("SPARK_LOCAL_IP", HOST);
        environment.put("SPARK_LOCAL_DIRS", home.resolve("local").toString());
        return ClusterProcess.start(name, layout.sparkHome().javaCommand(jvmOptions, mainClass, arguments), environment,
                home, directory.resolve(name + ".log"));
    }

    /** Polls the Master's status until every worker is ALIVE. */
    private void awaitWorkers() {
        URI status = URI.create("http://" + HOST + ":" + masterWebUiPort + "/json/");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Await.until(spec.workers() + " workers ALIVE at " + status, spec.startTimeout(), processes(), () -> {
            try {
                MasterStatus master = MasterStatus.fetch(client, status);
                return master.aliveWorkers() >= spec.workers() ? Await.Look.holds(master)
                        : Await.Look.notYet("worker states " + master.workerStates());
            } catch (IOException e) {
                return Await.Look.notYet("no answer: " + e);
            }
        });
    }

    private ProcessHandle executor(long pid) {
        return executors().filter(process -> process.pid() == pid).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pid " + pid + " is not a live executor of this"
                        + " cluster; live executors: " + executorPids()));
    }

    private Stream<ProcessHandle> executors() {
        return workers.stream().flatMap(worker -> worker.handle().children())
                .filter(child -> child.info().commandLine().orElse("").contains(EXECUTOR_CLASS));
    }

    /** Each executor fetched the application jar into its work directory: 150 MB a copy, useless once it has ended. */
    private void deleteApplicationJarCopies() {
        String jarName = layout.applicationJar().getFileName().toString();
        for (Path work : workDirectories) {
            if (!Files.isDirectory(work)) {
                continue;
            }
            try (Stream<Path> files = Files.find(work, 3, (file, attributes) -> attributes.isRegularFile()
                    && file.getFileName().toString().equals(jarName))) {
                for (Path copy : files.toList()) {
                    Files.delete(copy);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete the application jar copies under " + work, e);
            }
        }
    }

    /** The shutdown hook's last resort: KILL to every process of the cluster, without waiting. */
    private void kill() {
        ProcessTrees.kill(Stream.concat(drivers.stream(), daemons()).map(ClusterProcess::handle).toList());
    }

    /** The Master, if started, then the Workers. */
    private Stream<ClusterProcess> daemons() {
        return Stream.concat(Stream.ofNullable(master), workers.stream());
    }

    /** The daemons and the running drivers. */
    private List<ClusterProcess> processes() {
        return Stream.concat(daemons(), drivers.stream()).toList();
    }

    /** Distinct ports on which nothing listened when asked: all probe sockets are open together, then closed. */
    private static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        IOException failure = null;
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
            }
        } catch (IOException e) {
            failure = e;
        }
        List<Integer> ports = sockets.stream().map(ServerSocket::getLocalPort).toList();
        for (ServerSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("could not probe " + count + " free ports on " + HOST, failure);
        }
        return ports;
    }
}
