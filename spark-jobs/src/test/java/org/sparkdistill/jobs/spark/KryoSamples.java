package org.sparkdistill.jobs.spark;

import org.sparkdistill.jobs.storage.HadoopSettings;
import org.apache.hadoop.conf.Configuration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.teacher.TeacherInput;
import org.sparkdistill.core.train.Schedule;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.jobs.ExchangeSpec;
import org.sparkdistill.jobs.StudentSpec;
import org.sparkdistill.core.objective.FitNetHint;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.TeacherOutput;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.jobs.TeacherSpecs;
import org.sparkdistill.jobs.StepRecord;
import org.sparkdistill.jobs.TrainedStudent;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.objective.MutualLearning;
import org.sparkdistill.core.train.PeerChoice;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** Spark's Kryo with the registrator and {@code registrationRequired}, and sample values of every registered class. */
final class KryoSamples {
    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.AnyRef();

    private KryoSamples() {}

    /** {@code conf} set to serialize with Kryo, through the registrator, refusing unregistered classes. */
    static SparkConf strict(SparkConf conf) {
        return conf.set("spark.serializer", KryoSerializer.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", DistillKryoRegistrator.class.getName());
    }

    static SerializerInstance serializer() {
        return new KryoSerializer(strict(new SparkConf(false))).newInstance();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        SerializerInstance kryo = serializer();
        return (T) kryo.deserialize(kryo.serialize(value, ANY), ANY);
    }

    static int serializedSize(Object value) {
        return serializer().serialize(value, ANY).remaining();
    }

    /** An array of {@code shape} in {@code order} holding seeded values in [0, 25) that every data type represents. */
    static INDArray array(Random random, DataType type, char order, long... shape) {
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(100) / 4.0;
        }
        INDArray array = Nd4j.create(values, shape, order).castTo(type);
        return array.ordering() == order ? array : array.dup(order);
    }

    /** One value of each project class the registrator lists. */
    static List<Object> projectValues(Random random) {
        EpochMetrics first = new EpochMetrics(1, 40, 0.93, 0.71, 0.8, 0.25, 0.04, 12.5);
        CommunicationMetrics communication = new CommunicationMetrics(40, 0.01, 0.02, 0.004, 0.018, 0.003, 0.002, 0.0025, 0.0021,
                0.89, 1.1e8, "[0-1|2-5|6]", 2, 0.0021, 0.07);
        PipelineMetrics pipeline = new PipelineMetrics(2, List.of(new StageTimes("decode", 40, 0.01, 0.2, 0.3),
                new StageTimes("student", 40, 0.5, 0.004, 0)));
        EpochMetrics second = new EpochMetrics(2, 80, 0.61, 0.78, Double.NaN, Double.NaN, 0.03, 24.0)
                .withCommunication(communication).withPipeline(pipeline);
        byte[] zip = new byte[300];
        random.nextBytes(zip);
        float[] features = new float[12];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        TeacherDescription onnx = new TeacherDescription(TeacherFormat.ONNX, new TeacherInput(ChannelLayout.NHWC,
                new long[] {28, 28, 1}, 255, new double[] {0.5}, new double[] {0.25}), "logits",
                OutputKind.PROBABILITIES, List.of("/fc1/Relu_output_0"));
        return List.of(
                new Examples("train", features, new int[] {0, 2, 1, 2}, new int[] {3}, 3),
                new TrainingPlan(3, 32, 42L, Schedule.linear(4.0, 1.0), Schedule.constant(0.9), 100),
                Schedule.constant(2.0),
                Schedule.linear(1.0, 0.0),
                new TrainingState(81, 2, 1),
                first,
                pipeline,
                pipeline.student(),
                UpdaterKind.NESTEROVS,
                UpdaterKind.LearningRateSchedule.LINEAR,
                EnsembleWeighting.CONFIDENCE,
                new TrainedStudent(zip, List.of(first, second.withPeers(1, List.of(new PeerMetrics(0, 0.5, 0.25,
                        0.125, Double.NaN), new PeerMetrics(1, 0.75, 0.5, 0.0625, 0.03125)))),
                        "linux-x86_64 (OpenBLAS, built-in convolution)", List.of(new byte[] {7, 8}, zip),
                        List.of(new StepRecord(1, 1, 2.25, 0.5), new StepRecord(2, 1, Double.NaN, 0.75))),
                new StepRecord(3, 2, 0.125, 1.5),
                new PeerMetrics(3, 0.875, Double.NaN, Double.NaN, 0.0625),
                new MutualLearning(0.5, 2.0),
                new PeerChoice(2),
                new StudentSpec(StudentArchitecture.RESNET, List.of(64), List.of(8, 16), "hdfs://nn/student.zip",
                        "0c", new HadoopSettings(Map.of("fs.defaultFS", "hdfs://nn:8020")), UpdaterKind.SGD, 0.1,
                        UpdaterKind.LearningRateSchedule.LINEAR),
                StudentArchitecture.CNN,
                new KnowledgeDistillation(0.75),
                new FitNetHint("conv2", new TeacherOutput(1, "layer3", 512), 0.25),
                new TeacherOutput(0, "/features/relu", 96),
                new HadoopSettings(Map.of("fs.defaultFS", "hdfs://nn:8020", "dfs.replication", "2")),
                new TeacherSpecs(List.of("/models/a.zip", "/models/b.onnx"), List.of("0a", "0b"),
                        List.of(TeacherDescription.DETECTED.withFormat(TeacherFormat.DL4J), onnx),
                        new double[] {1.0, 3.0}, EnsembleWeighting.FIXED, HadoopSettings.of(new Configuration(false))),
                onnx,
                onnx.input(),
                TeacherFormat.KERAS,
                ChannelLayout.NCHW,
                OutputKind.LOGITS,
                new DatasetInfo(new int[] {1, 28, 28}, 10, 60000),
                new Checkpoints.Checkpoint("step-000000000020",
                        new TrainingProgress(new TrainingState(20, 1, 4), 1.75, List.of(first)), 7L),
                new TrainingProgress(new TrainingState(20, 1, 4), 1.75, List.of(first)),
                communication,
                new ExchangeSpec("fixed:2.5", 30, 7, 45));
    }

    /** Equal class and contents: records component by component, arrays element by element. */
    static void assertSameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual);
            return;
        }
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof List<?> expectedList) {
            List<?> actualList = (List<?>) actual;
            assertEquals(expectedList.size(), actualList.size(), "list length");
            for (int i = 0; i < expectedList.size(); i++) {
                assertSameValue(expectedList.get(i), actualList.get(i));
            }
        } else if (expected.getClass().isRecord()) {
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                assertSameValue(component(component, expected), component(component, actual));
            }
        } else {
            assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {actual}),
                    "expected " + expected + " but got " + actual);
        }
    }

    private static Object component(RecordComponent component, Object record) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + component, e);
        }
    }
}
