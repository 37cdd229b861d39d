package org.sparkdistill.bench.codistill;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.sparkdistill.bench.optim.OptimizerBench;

/**
 * The comparison of codistillation with plain data parallelism: per run, the time to the target accuracy and who
 * reached it, the final accuracy of every group, steps, wall time per step and bytes per step; per round, codistill's
 * time to target divided by plain's; and medians over rounds.
 *
 * <p>A ratio below 1 means codistillation reached the target sooner. A run that did not reach the target has no time
 * to target, and its round no ratio.
 */
final class CodistillTable {
    private final List<ContenderRun> runs;
    private final double target;

    /** The table of {@code runs}, in the order they ran, towards {@code target}. */
    CodistillTable(List<ContenderRun> runs, double target) {
        this.runs = List.copyOf(runs);
        this.target = target;
    }

    /** Codistill's time to target divided by plain's in {@code round}; empty when either did not reach it. */
    Optional<Double> ratio(int round) {
        Optional<Double> plain = secondsToTarget(Parallelism.PLAIN, round);
        Optional<Double> codistill = secondsToTarget(Parallelism.CODISTILL, round);
        return codistill.flatMap(c -> plain.map(p -> c / p));
    }

    /** The median of the rounds' ratios that exist; empty when no round has one. */
    Optional<Double> medianRatio() {
        return median(rounds().stream().map(this::ratio).flatMap(Optional::stream).toList());
    }

    /** The median over rounds of {@code contender}'s time to target, over the rounds where it reached it. */
    Optional<Double> medianSecondsToTarget(Parallelism contender) {
        return median(of(contender).stream().map(run -> run.reached(target)).flatMap(Optional::stream)
                .map(ContenderRun.Reached::seconds).toList());
    }

    String markdown(String header) {
        StringBuilder md = new StringBuilder(header).append("\n\n");
        String percent = targetLabel(target);
        md.append("| round | contender | time to ").append(percent).append(" (s) | of it, step loops (s) | reached by "
                + "| at epoch | final accuracy by group | steps | step (ms) | of it, gradient step (ms) "
                + "| inside groups (KB/step) | across groups (KB/step) | codistill ÷ plain |\n");
        md.append("| ---: | --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ContenderRun run : runs) {
            Optional<ContenderRun.Reached> reached = run.reached(target);
            md.append(String.format(Locale.ROOT,
                    "| %d | %s | %s | %s | %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %s |%n",
                    run.round() + 1, run.contender().label(),
                    reached.map(r -> fixed(r.seconds(), 1)).orElse("not reached"),
                    reached.map(r -> fixed(loopSecondsTo(run, r), 1)).orElse("—"),
                    reached.map(r -> run.groups().size() == 1 ? "the student" : "group " + r.group()).orElse("—"),
                    reached.map(r -> Integer.toString(r.epoch().epoch())).orElse("—"),
                    run.finalAccuracies().stream().map(CodistillTable::percent).collect(Collectors.joining(" / ")),
                    run.steps(), 1e3 * run.meanStepSeconds(), 1e3 * run.meanGradientStepSeconds(),
                    run.bytesSentPerStep() / 1e3, run.crossGroupBytesPerStep() / 1e3,
                    run.contender() == Parallelism.CODISTILL ? ratio(run.round()).map(r -> fixed(r, 3)).orElse("—")
                            : "—"));
        }
        md.append("\n| contender | median time to ").append(percent).append(" (s) | rounds that reached it "
                + "| median final accuracy, best group | median step (ms) |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (Parallelism contender : Parallelism.values()) {
            List<ContenderRun> own = of(contender);
            if (own.isEmpty()) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %d of %d | %s | %.1f |%n", contender.label(),
                    medianSecondsToTarget(contender).map(s -> fixed(s, 1)).orElse("—"),
                    own.stream().filter(run -> run.reached(target).isPresent()).count(), own.size(),
                    percent(median(own.stream().map(run -> run.finalAccuracies().get(run.bestGroup())).toList())
                            .orElseThrow()),
                    1e3 * median(own.stream().map(ContenderRun::meanStepSeconds).toList()).orElseThrow()));
        }
        md.append(String.format(Locale.ROOT, "%nCodistill ÷ plain, time to %s: %s by round; median **%s**.%n", percent,
                rounds().stream().map(round -> ratio(round).map(r -> fixed(r, 3)).orElse("—"))
                        .collect(Collectors.joining(", ")),
                medianRatio().map(r -> fixed(r, 3)).orElse("—")));
        return md.toString();
    }

    /** One line per run. */
    String summaryCsv() {
        StringBuilder csv = new StringBuilder("round,contender,target,reached_group,reached_epoch,seconds_to_target,"
                + "loop_seconds_to_target,final_accuracies,epochs,steps,seconds,mean_step_seconds,gradient_step_seconds,"
                + "bytes_sent_per_step,cross_group_bytes_per_step,codistill_to_plain\n");
        for (ContenderRun run : runs) {
            Optional<ContenderRun.Reached> reached = run.reached(target);
            csv.append(String.join(",", List.of(Integer.toString(run.round() + 1), run.contender().label(),
                    number(target), reached.map(r -> Integer.toString(r.group())).orElse(""),
                    reached.map(r -> Integer.toString(r.epoch().epoch())).orElse(""),
                    reached.map(r -> number(r.seconds())).orElse(""),
                    reached.map(r -> number(loopSecondsTo(run, r))).orElse(""),
                    run.finalAccuracies().stream().map(CodistillTable::number).collect(Collectors.joining(";")),
                    Integer.toString(run.epochs()), Long.toString(run.steps()), number(run.seconds()),
                    number(run.meanStepSeconds()), number(run.meanGradientStepSeconds()), number(run.bytesSentPerStep()),
                    number(run.crossGroupBytesPerStep()),
                    run.contender() == Parallelism.CODISTILL ? ratio(run.round()).map(CodistillTable::number).orElse("")
                            : ""))).append('\n');
        }
        return csv.toString();
    }

    /** One line per run, group and epoch. */
    String epochsCsv() {
        StringBuilder csv = new StringBuilder("round,contender,group,epoch,step,accuracy,seconds,loop_seconds,"
                + "gradient_step_seconds,bytes_sent_per_step,cross_group_bytes_per_step\n");
        for (ContenderRun run : runs) {
            for (int g = 0; g < run.groups().size(); g++) {
                for (GroupEpoch e : run.groups().get(g)) {
                    csv.append(String.join(",", List.of(Integer.toString(run.round() + 1), run.contender().label(),
                            Integer.toString(g), Integer.toString(e.epoch()), Long.toString(e.step()),
                            number(e.accuracy()), number(e.seconds()), number(e.loopSeconds()),
                            number(e.gradientStepSeconds()), number(e.bytesSentPerStep()),
                            number(e.crossGroupBytesPerStep())))).append('\n');
                }
            }
        }
        return csv.toString();
    }

    /** The step loops of the reaching group up to and including the epoch that reached the target. */
    private static double loopSecondsTo(ContenderRun run, ContenderRun.Reached reached) {
        return run.groups().get(reached.group()).stream().filter(e -> e.epoch() <= reached.epoch().epoch())
                .mapToDouble(GroupEpoch::loopSeconds).sum();
    }

    private Optional<Double> secondsToTarget(Parallelism contender, int round) {
        return runs.stream().filter(run -> run.contender() == contender && run.round() == round).findFirst()
                .flatMap(run -> run.reached(target)).map(ContenderRun.Reached::seconds);
    }

    private List<ContenderRun> of(Parallelism contender) {
        return runs.stream().filter(run -> run.contender() == contender).toList();
    }

    private List<Integer> rounds() {
        return runs.stream().map(ContenderRun::round).distinct().sorted().toList();
    }

    private static Optional<Double> median(List<Double> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(OptimizerBench.median(values.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    /** An accuracy as a percentage without trailing zeros: 0.84 as 84%, 0.845 as 84.5%. */
    static String targetLabel(double fraction) {
        return new BigDecimal(String.format(Locale.ROOT, "%.2f", 100 * fraction)).stripTrailingZeros().toPlainString()
                + "%";
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static String fixed(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
