package org.sparkdistill.bench.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Deletes the namespaces that earlier runs left behind when they were killed before their teardown: those named by
 * {@link NamespaceNames} whose owning process is gone. Deleting the hub namespace also deletes its bridge and every
 * veth pair, so nothing else is left.
 */
final class Leftovers {
    private Leftovers() {}

    /**
     * Deletes the leftovers and returns their names. A leftover that cannot be deleted, perhaps because another run
     * deleted it first, is reported on standard error and does not stop this run.
     */
    static List<String> remove(Path ip) throws IOException {
        List<String> removed = new ArrayList<>();
        for (String line : Command.run(List.of(ip.toString(), "netns", "list")).split("\n")) {
            String namespace = line.strip().split("\\s+")[0];
            OptionalLong owner = NamespaceNames.owner(namespace);
            if (owner.isPresent() && ProcessHandle.of(owner.getAsLong()).map(p -> !p.isAlive()).orElse(true)) {
                try {
                    Command.run(List.of(ip.toString(), "netns", "delete", namespace));
                    removed.add(namespace);
                } catch (IOException e) {
                    System.err.println("could not delete a namespace left by an earlier run: " + e.getMessage());
                }
            }
        }
        return removed;
    }
}
