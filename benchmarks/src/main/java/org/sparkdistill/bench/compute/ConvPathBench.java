package org.sparkdistill.bench.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the quickstart CNN teacher for one Fashion-MNIST epoch on today's path and on the native path, each in its
 * own JVM (a JVM loads one build of the natives), alternating over rounds, and prints a Markdown table of medians.
 *
 * <p>Arguments: {@code [rounds (3)] [training images (60000)] [Fashion-MNIST directory]}. Child JVMs get this JVM's
 * class path, heap, {@code --add-opens} and {@code --add-modules} options, and its environment ({@code OMP_NUM_THREADS}).
 */
public final class ConvPathBench {
    private static final List<String> CONTENDERS = List.of("builtin", "native");

    private ConvPathBench() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 60000;
        String data = args.length > 2 ? args[2] : "/usr/share/datasets/fashion-mnist";
        Map<String, List<Map<String, String>>> runs = new LinkedHashMap<>();
        CONTENDERS.forEach(c -> runs.put(c, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(CONTENDERS);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String contender : order) {
                Map<String, String> run = runChild(contender, data, images);
                runs.get(contender).add(run);
                System.out.printf(Locale.ROOT, "round %d %s: %s s, accuracy %s, %s%n", round + 1, contender,
                        run.get("epochSeconds"), run.get("accuracy"), run.get("natives"));
            }
        }
        System.out.println(table(runs, rounds, images));
    }

    private static Map<String, String> runChild(String contender, String data, int images)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> o.startsWith("--add-opens") || o.startsWith("--add-modules") || o.startsWith("-Xmx") || o.startsWith("-XX:")
                        || o.startsWith("-Djdk.") || o.startsWith("-Dorg.bytedeco.javacpp.maxbytes")
                        || o.startsWith("-Dlog4j2."))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ConvPathRun.class.getName(), contender,
                data, Integer.toString(images)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !out.contains("epochSeconds=")) {
            throw new IllegalStateException("contender " + contender + " failed (exit " + process.exitValue() + "): " + out);
        }
        Map<String, String> values = new TreeMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return values;
    }

    private static String table(Map<String, List<Map<String, String>>> runs, int rounds, int images) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n%d images, batch 64, %d rounds, OMP_NUM_THREADS=%s%n%n", images, rounds,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")));
        md.append("| | today's path (builtin) | native helpers | speed-up |\n| --- | ---: | ---: | ---: |\n");
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double builtin = Double.parseDouble(runs.get("builtin").get(r).get("epochSeconds"));
            double fast = Double.parseDouble(runs.get("native").get(r).get("epochSeconds"));
            ratios.add(builtin / fast);
            md.append(String.format(Locale.ROOT, "| round %d epoch (s) | %.1f | %.1f | %.2f× |%n", r + 1, builtin, fast, builtin / fast));
        }
        md.append(String.format(Locale.ROOT, "| **median** | %.1f | %.1f | **%.2f×** |%n", median(runs.get("builtin"), "epochSeconds"),
                median(runs.get("native"), "epochSeconds"), median(ratios)));
        md.append("\n| layer (ms, forward / backward, batch 64) | today's path | native helpers |\n| --- | ---: | ---: |\n");
        for (int layer = 0; runs.get("builtin").get(0).containsKey("layer." + layer); layer++) {
            String key = "layer." + layer;
            String builtinType = runs.get("builtin").get(0).get("layerType." + layer);
            String nativeType = runs.get("native").get(0).get("layerType." + layer);
            md.append(String.format(Locale.ROOT, "| %d %s | %s | %s |%n", layer,
                    builtinType.equals(nativeType) ? builtinType : builtinType + " → " + nativeType,
                    layerMedians(runs.get("builtin"), key), layerMedians(runs.get("native"), key)));
        }
        md.append("\nnatives: today's path ").append(runs.get("builtin").get(0).get("natives"))
                .append("; native ").append(runs.get("native").get(0).get("natives")).append('\n');
        return md.toString();
    }

    private static String layerMedians(List<Map<String, String>> runs, String key) {
        List<Double> forward = new ArrayList<>();
        List<Double> backward = new ArrayList<>();
        for (Map<String, String> run : runs) {
            String[] parts = run.get(key).split(",");
            forward.add(Double.parseDouble(parts[0]));
            backward.add(Double.parseDouble(parts[1]));
        }
        return String.format(Locale.ROOT, "%.2f / %.2f", median(forward), median(backward));
    }

    private static double median(List<Map<String, String>> runs, String key) {
        return median(runs.stream().map(r -> Double.parseDouble(r.get(key))).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
