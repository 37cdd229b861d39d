package org.sparkdistill.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparkdistill.jobs.report.Json;

/**
 * Opens an HTML page in headless Chromium (Debian's {@code chromium}) and reports what the browser made of it: every
 * script error, and for each {@code svg.plot} its rendered size, its axis tick labels and how many of its data marks
 * have a size.
 *
 * <p>The page is copied with a probe added: an error listener first in its head, and a script last in its body that
 * measures the laid-out plots and writes the results into the DOM, which Chromium prints with {@code --dump-dom}.
 */
final class HeadlessChromium {
    private static final String LISTENER = "<script>window.__errors=[];window.addEventListener('error',"
            + "function(e){window.__errors.push(String(e.message))});</script>";
    private static final String PROBE = "<script>(function(){var plots=[];"
            + "document.querySelectorAll('svg.plot').forEach(function(s){var r=s.getBoundingClientRect();"
            + "var drawn=0;s.querySelectorAll('.mark').forEach(function(m){var b=m.getBBox();"
            + "if(b.width>0||b.height>0){drawn++;}});"
            + "plots.push({id:s.getAttribute('data-plot'),width:r.width,height:r.height,"
            + "xTicks:s.querySelectorAll('g.axis.x text.tick').length,"
            + "yTicks:s.querySelectorAll('g.axis.y text.tick').length,drawnMarks:drawn});});"
            + "var out=document.createElement('pre');out.id='probe';"
            + "out.textContent='PROBE'+JSON.stringify({errors:window.__errors,plots:plots})+'PROBE';"
            + "document.body.appendChild(out);})();</script>";

    /** What the browser saw. */
    record Rendering(List<String> errors, JsonNode plots, String log) {}

    private HeadlessChromium() {}

    static Rendering open(Path page, Path work) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        if (!html.contains("<head>") || !html.contains("</body>")) {
            throw new AssertionError(page + " has no <head> or no </body>");
        }
        Path probed = work.resolve("probed-" + page.getFileName());
        Files.writeString(probed, html.replaceFirst("<head>", "<head>" + LISTENER)
                .replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        Path profile = Files.createDirectories(work.resolve("chromium-profile"));
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("chromium.log");
        Process chromium;
        try {
            chromium = new ProcessBuilder(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--user-data-dir=" + profile, "--window-size=1100,3000",
                    "--enable-logging=stderr", "--v=0", "--dump-dom", probed.toUri().toString())
                    .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start chromium (apt-get install -y chromium): " + e.getMessage(), e);
        }
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish rendering " + page + " in 120 s");
        }
        String stderr = Files.readString(log);
        if (chromium.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + chromium.exitValue() + ":\n" + stderr);
        }
        String text = Files.readString(dom);
        int start = text.indexOf("PROBE{");
        int end = text.lastIndexOf("}PROBE");
        if (start < 0 || end < 0) {
            throw new AssertionError("the probe did not run in " + page + "; chromium said:\n" + stderr);
        }
        JsonNode probe = Json.read(text.substring(start + 5, end + 1).replace("&quot;", "\"").replace("&amp;", "&"),
                "the probe's output");
        List<String> errors = new ArrayList<>();
        probe.get("errors").forEach(e -> errors.add(e.asText()));
        stderr.lines().filter(line -> line.contains("CONSOLE") && line.contains("Uncaught")).forEach(errors::add);
        return new Rendering(errors, probe.get("plots"), stderr);
    }

    private static String executable() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "chromium";
    }
}
