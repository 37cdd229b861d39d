package org.sparkdistill.jobs.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.util.List;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * How the core's metric records appear in {@code metrics.json}: their components, plus the figures they derive that a
 * reader wants (a step's time, the data stall), and without the parts a lone student or a single replica lacks.
 */
final class MetricsJsonModule extends SimpleModule {
    MetricsJsonModule() {
        super("spark-distill-metrics");
        setMixInAnnotation(EpochMetrics.class, EpochMixIn.class);
        setMixInAnnotation(CommunicationMetrics.class, CommunicationMixIn.class);
        setMixInAnnotation(PipelineMetrics.class, PipelineMixIn.class);
    }

    /** A lone student has no peers and a single replica no communication: both are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private abstract static class EpochMixIn {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract List<PeerMetrics> peers();
    }

    private abstract static class CommunicationMixIn {
        @JsonProperty
        abstract double stepSeconds();
    }

    private abstract static class PipelineMixIn {
        @JsonProperty
        abstract double dataStallFraction();

        @JsonIgnore
        abstract StageTimes student();
    }
}
