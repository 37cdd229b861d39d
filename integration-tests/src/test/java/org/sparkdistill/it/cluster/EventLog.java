package org.sparkdistill.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The events a driver's {@code EventLoggingListener} (a SparkListener) wrote for one application, as Spark's history
 * server reads them: one JSON object per line, in an uncompressed, unrolled log.
 *
 * <p>Enable it for a submission with {@link #settings(Path)}; read it once the application has ended.
 */
public final class EventLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<JsonNode> events;

    private EventLog(Path file, List<JsonNode> events) {
        this.file = file;
        this.events = events;
    }

    /** The Spark settings that write one application's events into {@code directory}, which must exist. */
    public static Map<String, String> settings(Path directory) {
        return Map.of("spark.eventLog.enabled", "true", "spark.eventLog.dir", directory.toUri().toString(),
                "spark.eventLog.compress", "false", "spark.eventLog.rolling.enabled", "false");
    }

    /**
     * The log of the one application that wrote into {@code directory}.
     *
     * @throws IllegalStateException unless the directory holds exactly one finished log
     */
    public static EventLog read(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> logs = files.toList();
            if (logs.size() != 1 || logs.get(0).getFileName().toString().endsWith(".inprogress")) {
                throw new IllegalStateException("expected one finished event log in " + directory + ", found " + logs);
            }
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(logs.get(0))) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
            return new EventLog(logs.get(0), events);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the event log in " + directory, e);
        }
    }

    private Stream<JsonNode> named(String event) {
        return events.stream().filter(e -> e.path("Event").asText().equals(event));
    }

    /** The resource profile each submitted stage ran with, by stage id. */
    public Map<Integer, Integer> profileByStage() {
        Map<Integer, Integer> profiles = new TreeMap<>();
        named("SparkListenerStageSubmitted").map(e -> e.path("Stage Info")).forEach(stage ->
                profiles.put(stage.path("Stage ID").asInt(), stage.path("Resource Profile Id").asInt()));
        return profiles;
    }

    /** The name of each submitted stage, by stage id: Spark's call site, such as {@code parquet at Job.java:113}. */
    public Map<Integer, String> stageNames() {
        Map<Integer, String> names = new TreeMap<>();
        named("SparkListenerStageSubmitted").map(e -> e.path("Stage Info")).forEach(stage ->
                names.put(stage.path("Stage ID").asInt(), stage.path("Stage Name").asText()));
        return names;
    }

    /** Each resource profile's task requests, by profile id and resource name ({@code cpus}, {@code gpu}, …). */
    public Map<Integer, Map<String, Double>> taskRequestsByProfile() {
        Map<Integer, Map<String, Double>> profiles = new TreeMap<>();
        named("SparkListenerResourceProfileAdded").forEach(e -> {
            Map<String, Double> requests = new TreeMap<>();
            e.path("Task Resource Requests").fields().forEachRemaining(field ->
                    requests.put(field.getKey(), field.getValue().path("Amount").asDouble()));
            profiles.put(e.path("Resource Profile Id").asInt(), requests);
        });
        return profiles;
    }

    /** How many tasks of each stage ended successfully, by stage id. */
    public Map<Integer, Integer> succeededTasksByStage() {
        Map<Integer, Integer> counts = new TreeMap<>();
        named("SparkListenerTaskEnd").filter(e -> e.path("Task End Reason").path("Reason").asText().equals("Success"))
                .forEach(e -> counts.merge(e.path("Stage ID").asInt(), 1, Integer::sum));
        return counts;
    }

    /**
     * The updates of the named accumulator in the successful tasks of each stage, summed, by stage id; stages none of
     * whose successful tasks report it are left out.
     */
    public Map<Integer, Long> accumulatorBySucceededStage(String name) {
        Map<Integer, Long> sums = new TreeMap<>();
        named("SparkListenerTaskEnd").filter(e -> e.path("Task End Reason").path("Reason").asText().equals("Success"))
                .forEach(e -> e.path("Task Info").path("Accumulables").forEach(accumulable -> {
                    if (accumulable.path("Name").asText().equals(name)) {
                        // Spark writes the values of accumulators other than its own task metrics as text.
                        sums.merge(e.path("Stage ID").asInt(), Long.parseLong(accumulable.path("Update").asText()),
                                Long::sum);
                    }
                }));
        return sums;
    }

    @Override
    public String toString() {
        return "event log " + file + " (" + events.size() + " events)";
    }
}
