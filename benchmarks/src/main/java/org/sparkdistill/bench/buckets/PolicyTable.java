package org.sparkdistill.bench.buckets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.sparkdistill.core.metrics.CommunicationMetrics;

/**
 * The comparison of bucket policies: per policy, the median over rounds of each measured quantity, the ratio of
 * {@code fused}'s step time to each policy's, and three floors under a step: the lower bound {@code forward +
 * max(backward, communication) + optimizer} from the {@code fused} runs, where backward and communication do not
 * overlap; the same bound from the policy's own runs; and the processor floor, the machine's busy processor time per
 * step divided by its processors, below which no schedule can run a step on this machine.
 */
final class PolicyTable {
    private final Map<String, List<PolicyRun>> runs = new LinkedHashMap<>();
    private final int processors;

    PolicyTable(List<PolicyRun> all, int processors) {
        this.processors = processors;
        for (PolicyRun run : all) {
            runs.computeIfAbsent(run.policy(), p -> new ArrayList<>()).add(run);
        }
    }

    double median(String policy, ToDoubleFunction<PolicyRun> quantity) {
        double[] values = runs.get(policy).stream().mapToDouble(quantity).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    double stepSeconds(String policy) {
        return median(policy, PolicyRun::wallStepSeconds);
    }

    /** {@code forward + max(backward, communication) + optimizer}, medians of the {@code fused} runs. */
    double lowerBoundSeconds() {
        return ownBoundSeconds("fused");
    }

    /** {@code forward + max(backward, communication) + optimizer}, medians of the runs of {@code policy}. */
    double ownBoundSeconds(String policy) {
        return metric(policy, CommunicationMetrics::forwardSeconds)
                + Math.max(metric(policy, CommunicationMetrics::backwardSeconds),
                        metric(policy, CommunicationMetrics::communicationSeconds))
                + metric(policy, CommunicationMetrics::optimizerSeconds);
    }

    /** The machine's busy processor time per step of {@code policy} divided by its processors; NaN if unknown. */
    double processorFloorSeconds(String policy) {
        return median(policy, PolicyRun::busyProcessorSecondsPerStep) / processors;
    }

    double metric(String policy, ToDoubleFunction<CommunicationMetrics> quantity) {
        return median(policy, run -> quantity.applyAsDouble(run.metrics()));
    }

    /** The plans the runs of {@code policy} ended with, distinct, in order. */
    String plans(String policy) {
        return String.join(" ", runs.get(policy).stream().map(run -> run.metrics().plan()).distinct().toList());
    }

    String markdown(String header) {
        StringBuilder md = new StringBuilder(header).append("\n\n");
        md.append("| policy | step (ms) | fused ÷ policy | forward (ms) | backward (ms) | communication (ms) | its CPU (ms) | exposed (ms)"
                + " | rank 0 tail (ms) | group tail (ms) | group tail ÷ communication | overlap | bus bandwidth (MB/s) | predicted tail (ms) "
                + "| prediction error | own bound (ms) | processor floor (ms) | buckets at the end |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: | ---: | --- |\n");
        boolean fused = runs.containsKey("fused");
        for (String policy : runs.keySet()) {
            double step = stepSeconds(policy);
            double communication = metric(policy, CommunicationMetrics::communicationSeconds);
            double tail = metric(policy, CommunicationMetrics::groupTailSeconds);
            md.append(String.format(Locale.ROOT,
                    "| %s | %.1f | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f%% | %.0f%% | %.0f | %.1f "
                            + "| %.0f%% | %.1f | %s | %s |%n",
                    policy, 1e3 * step, fused ? String.format(Locale.ROOT, "%.3f", stepSeconds("fused") / step) : "—",
                    1e3 * metric(policy, CommunicationMetrics::forwardSeconds),
                    1e3 * metric(policy, CommunicationMetrics::backwardSeconds), 1e3 * communication,
                    1e3 * metric(policy, CommunicationMetrics::communicationCpuSeconds),
                    1e3 * metric(policy, CommunicationMetrics::exposedSeconds),
                    1e3 * metric(policy, CommunicationMetrics::tailSeconds), 1e3 * tail,
                    100 * tail / communication, 100 * metric(policy, CommunicationMetrics::overlapRatio),
                    metric(policy, CommunicationMetrics::busBandwidthBytesPerSecond) / 1e6,
                    1e3 * metric(policy, CommunicationMetrics::predictedTailSeconds),
                    100 * metric(policy, CommunicationMetrics::communicationPredictionError),
                    1e3 * ownBoundSeconds(policy), milliseconds(processorFloorSeconds(policy)), plans(policy)));
        }
        if (fused) {
            md.append(String.format(Locale.ROOT, "%nLower bound forward + max(backward, communication) + optimizer, "
                    + "from the fused runs: %.1f ms.%n", 1e3 * lowerBoundSeconds()));
        }
        md.append(String.format(Locale.ROOT, "%nOwn bound: the same sum from the policy's own runs. Processor floor: "
                + "the whole machine's busy processor time per step (ranks, communication threads and the kernel's "
                + "network work) divided by its %d processors.%n", processors));
        return md.toString();
    }

    private static String milliseconds(double seconds) {
        return Double.isNaN(seconds) ? "—" : String.format(Locale.ROOT, "%.1f", 1e3 * seconds);
    }

    String csv() {
        StringBuilder csv = new StringBuilder("policy,round,wall_step_seconds,forward_seconds,backward_seconds,"
                + "optimizer_seconds,communication_seconds,communication_cpu_seconds,exposed_seconds,tail_seconds,group_tail_seconds,overlap_ratio,"
                + "bus_bytes_per_second,predicted_tail_seconds,communication_prediction_error,plan,plan_changes,"
                + "busy_processor_seconds\n");
        for (List<PolicyRun> policyRuns : runs.values()) {
            for (PolicyRun run : policyRuns) {
                CommunicationMetrics m = run.metrics();
                csv.append(String.join(",", Arrays.asList(run.policy(), String.valueOf(run.round()),
                        number(run.wallStepSeconds()), number(m.forwardSeconds()), number(m.backwardSeconds()),
                        number(m.optimizerSeconds()), number(m.communicationSeconds()),
                        number(m.communicationCpuSeconds()), number(m.exposedSeconds()),
                        number(m.tailSeconds()), number(m.groupTailSeconds()), number(m.overlapRatio()),
                        number(m.busBandwidthBytesPerSecond()),
                        number(m.predictedTailSeconds()), number(m.communicationPredictionError()),
                        "\"" + m.plan() + "\"", String.valueOf(m.planChanges()),
                        number(run.busyProcessorSecondsPerStep())))).append('\n');
            }
        }
        return csv.toString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
