package org.sparkdistill.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The results of one run side by side: a Markdown table with each contender's time to target and its ratio to every
 * other contender, and the same figures (and every epoch) as CSV.
 *
 * <p>A ratio is the row's time to target divided by the column's, so below 1 means the row was faster. A contender
 * that did not reach the target has no time to target and no ratios.
 */
public final class ComparisonTable {
    private final String description;
    private final List<TrialResult> results;

    /** A table of {@code results}, headed by {@code description} (what was run, on what). */
    public ComparisonTable(String description, List<TrialResult> results) {
        this.description = description;
        this.results = List.copyOf(results);
    }

    /** The Markdown table with its heading, the contenders' settings and how to read the ratios. */
    public String markdown() {
        StringBuilder out = new StringBuilder("# Time to accuracy\n\n").append(description).append("\n\n");
        List<String> header = new ArrayList<>(List.of("contender", "epochs to target", "time to target (s)",
                "final accuracy", "epochs run", "training (s)", "evaluation (s)", "setup (s)"));
        results.forEach(other -> header.add("÷ " + other.name()));
        row(out, header);
        List<String> rule = new ArrayList<>(List.of("---"));
        for (int i = 1; i < header.size(); i++) {
            rule.add("---:");
        }
        row(out, rule);
        for (TrialResult result : results) {
            List<String> cells = new ArrayList<>(List.of(result.name(),
                    result.firstAtTarget().map(e -> Integer.toString(e.epoch())).orElse("not reached"),
                    result.secondsToTarget().map(s -> fixed(s, 1)).orElse("—"),
                    percent(result.finalAccuracy()), Integer.toString(result.epochs().size()),
                    fixed(result.trainSeconds(), 1), fixed(result.evalSeconds(), 1), fixed(result.setupSeconds(), 1)));
            for (TrialResult other : results) {
                cells.add(other == result ? "1" : ratio(result.timeRatioTo(other), 3));
            }
            row(out, cells);
        }
        out.append("\nA ratio is the row's time to target divided by the column's: below 1, the row was faster. ")
                .append("Time to target counts training only; evaluation after each epoch and setup are timed apart.\n\n");
        for (TrialResult result : results) {
            out.append("- **").append(result.name()).append("**: ").append(result.settings()).append('\n');
        }
        return out.toString();
    }

    /** One line per contender: its time to target, final accuracy, totals and ratios to the others. */
    public String summaryCsv() {
        List<String> header = new ArrayList<>(List.of("contender", "target", "epochs_to_target", "seconds_to_target",
                "final_accuracy", "epochs_run", "train_seconds", "eval_seconds", "setup_seconds"));
        results.forEach(other -> header.add("ratio_to_" + other.name()));
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (TrialResult result : results) {
            List<String> cells = new ArrayList<>(List.of(result.name(), fixed(result.target(), 4),
                    result.firstAtTarget().map(e -> Integer.toString(e.epoch())).orElse(""),
                    result.secondsToTarget().map(s -> fixed(s, 3)).orElse(""), fixed(result.finalAccuracy(), 4),
                    Integer.toString(result.epochs().size()), fixed(result.trainSeconds(), 3),
                    fixed(result.evalSeconds(), 3), fixed(result.setupSeconds(), 3)));
            results.forEach(other -> cells.add(result.timeRatioTo(other).map(r -> fixed(r, 4)).orElse("")));
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    /** One line per contender and epoch: training time, cumulative training time, evaluation time and accuracy. */
    public String epochsCsv() {
        StringBuilder out = new StringBuilder(
                "contender,epoch,train_seconds,cumulative_train_seconds,eval_seconds,test_accuracy\n");
        for (TrialResult result : results) {
            for (EpochRecord e : result.epochs()) {
                out.append(String.join(",", result.name(), Integer.toString(e.epoch()), fixed(e.trainSeconds(), 3),
                        fixed(e.cumulativeTrainSeconds(), 3), fixed(e.evalSeconds(), 3), fixed(e.accuracy(), 4)))
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String ratio(Optional<Double> ratio, int digits) {
        return ratio.map(r -> fixed(r, digits)).orElse("—");
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static String fixed(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
