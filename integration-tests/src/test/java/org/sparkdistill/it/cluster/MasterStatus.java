package org.sparkdistill.it.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a standalone Master reports at {@code /json/} of its web UI: its URL and the state of each worker. */
record MasterStatus(String url, List<String> workerStates) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    MasterStatus {
        workerStates = List.copyOf(workerStates);
    }

    /** How many workers are {@code ALIVE}. */
    long aliveWorkers() {
        return workerStates.stream().filter("ALIVE"::equals).count();
    }

    /** Parses the JSON the Master serves. */
    static MasterStatus parse(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<String> states = new ArrayList<>();
            root.path("workers").forEach(worker -> states.add(worker.path("state").asText()));
            return new MasterStatus(root.path("url").asText(), states);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Master's status is not JSON: " + json, e);
        }
    }

    /**
     * Asks the Master's web UI for its status.
     *
     * @throws IOException when the web UI does not answer (the Master is still starting, or gone) or answers an error
     */
    static MasterStatus fetch(HttpClient client, URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered HTTP " + response.statusCode());
            }
            return parse(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + uri + " for the Master's status", e);
        }
    }
}
