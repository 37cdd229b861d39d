package org.sparkdistill.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkdistill.core.io.AtomicDirectory;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.spark.Sessions;

/**
 * Baseline (b): DL4J's own Spark training, {@link SparkDl4jMultiLayer} with a {@link ParameterAveragingTrainingMaster}.
 *
 * <p>Each of the workload's N workers takes {@value #AVERAGING_FREQUENCY} minibatches of the batch size, then the
 * driver averages parameters and updater state; workers prefetch {@value #WORKER_PREFETCH} minibatches. The training
 * table is repartitioned to N and cut into minibatches once, in {@link #start}, and cached. DL4J exports the cached
 * minibatches to files during the first epoch (its default approach), under a temporary directory deleted on close
 * when the master is local; where export is unsupported (a cluster master with a local default file system) it trains
 * from the cached RDD directly.
 *
 * <p>The session uses Java serialization: DL4J's Spark training refuses Kryo unless a registrator can round-trip
 * INDArrays (nd4j-kryo's, which has no 1.0.0-M2.1 build), and checks this when the network is created.
 */
public final class Dl4jParameterAveraging implements Contender {
    public static final String NAME = "dl4j-param-avg";
    static final int AVERAGING_FREQUENCY = 5;
    static final int WORKER_PREFETCH = 2;
    private static final Map<String, String> SPARK_SETTINGS =
            Map.of("spark.serializer", "org.apache.spark.serializer.JavaSerializer");

    private Workload workload;
    private Sessions.Scope session;
    private JavaSparkContext context;
    private RDDTrainingApproach approach;
    private ParameterAveragingTrainingMaster trainingMaster;
    private SparkDl4jMultiLayer network;
    private JavaRDD<DataSet> minibatches;
    private Path exportDirectory;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String settings() {
        return "SparkDl4jMultiLayer + ParameterAveragingTrainingMaster on " + context.master() + ", "
                + workload.workers() + " workers, batchSizePerWorker " + workload.batchSize() + ", averagingFrequency "
                + AVERAGING_FREQUENCY + ", workerPrefetchNumBatches " + WORKER_PREFETCH + ", RDD training approach "
                + approach + ", Java serialization";
    }

    @Override
    public void start(Workload workload) {
        this.workload = workload;
        session = Sessions.open("bench " + NAME, workload.master(), SPARK_SETTINGS);
        context = JavaSparkContext.fromSparkContext(session.spark().sparkContext());
        approach = ExportSupport.exportSupported(context)
                ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct;
        ParameterAveragingTrainingMaster.Builder builder =
                new ParameterAveragingTrainingMaster.Builder(workload.workers(), workload.batchSize());
        if (approach == RDDTrainingApproach.Export && context.isLocal()) {
            exportDirectory = createExportDirectory();
            builder.exportDirectory(exportDirectory.toUri().toString());
        }
        trainingMaster = builder
                .batchSizePerWorker(workload.batchSize())
                .averagingFrequency(AVERAGING_FREQUENCY)
                .workerPrefetchNumBatches(WORKER_PREFETCH)
                .rddTrainingApproach(approach)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .rngSeed(workload.seed())
                .collectTrainingStats(false)
                .build();
        network = new SparkDl4jMultiLayer(context, workload.newStudent(), trainingMaster);
        minibatches = ExampleFrames.toFrame(session.spark(), workload.train()).javaRDD()
                .repartition(workload.workers())
                .mapPartitions(new RowsToMinibatches(workload.train().shape(), workload.train().numClasses(),
                        workload.batchSize()))
                .persist(StorageLevel.MEMORY_ONLY());
        context.setJobDescription("bench " + NAME + ": cut the training table into minibatches");
        minibatches.count();
        context.setJobDescription(null);
    }

    @Override
    public MultiLayerNetwork trainOneEpoch() {
        context.setJobDescription("bench " + NAME + ": one epoch");
        try {
            return network.fit(minibatches);
        } finally {
            context.setJobDescription(null);
        }
    }

    @Override
    public void close() {
        try {
            if (trainingMaster != null && context != null) {
                trainingMaster.deleteTempFiles(context);
            }
            if (minibatches != null) {
                minibatches.unpersist(true);
            }
            if (exportDirectory != null) {
                AtomicDirectory.deleteRecursively(exportDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete DL4J's exported minibatches in " + exportDirectory, e);
        } finally {
            if (session != null) {
                session.close();
            }
            session = null;
            exportDirectory = null;
            context = null;
            minibatches = null;
            network = null;
        }
    }

    private static Path createExportDirectory() {
        try {
            return Files.createTempDirectory("spark-distill-bench-dl4j-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory for DL4J's exported minibatches in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
    }
}
