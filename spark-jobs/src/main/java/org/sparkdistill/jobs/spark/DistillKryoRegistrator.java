package org.sparkdistill.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;
import org.sparkdistill.core.nn.NativeBackend;
import org.sparkdistill.core.teacher.ChannelLayout;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.OutputKind;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.teacher.TeacherInput;
import org.sparkdistill.core.train.Checkpoints;
import org.sparkdistill.core.train.Schedule;
import org.sparkdistill.core.train.TrainingPlan;
import org.sparkdistill.core.train.TrainingProgress;
import org.sparkdistill.core.train.TrainingState;
import org.sparkdistill.core.objective.FitNetHint;
import org.sparkdistill.core.objective.KnowledgeDistillation;
import org.sparkdistill.core.objective.TeacherOutput;
import org.sparkdistill.core.train.StudentArchitecture;
import org.sparkdistill.core.train.UpdaterKind;
import org.sparkdistill.jobs.ExchangeSpec;
import org.sparkdistill.jobs.StudentSpec;
import org.sparkdistill.jobs.TeacherSpecs;
import org.sparkdistill.jobs.StepRecord;
import org.sparkdistill.jobs.TrainedStudent;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.objective.MutualLearning;
import org.sparkdistill.core.train.PeerChoice;
import scala.reflect.ClassTag$;

/**
 * Registers with Spark's Kryo every class spark-distill sends between driver and executors, so that jobs also run
 * with {@code spark.kryo.registrationRequired=true}.
 *
 * <p>Enabled by {@code spark.kryo.registrator=org.sparkdistill.jobs.spark.DistillKryoRegistrator} (as in
 * {@code cluster-conf/spark-defaults.conf}). It covers ND4J arrays and data sets, the records and enums of distill-core
 * and spark-jobs that task results, broadcasts and shuffled or cached RDDs carry, the JDK classes inside them that
 * Spark does not register itself (it registers the primitive arrays, {@code String[]} and {@code byte[][]}), and the
 * Scala and Spark classes the jobs meet that Spark leaves out: the class tag inside a grouped Java pair RDD, the
 * array and float types of the dataset schema, and the chunk array behind {@code Dataset.toLocalIterator}. Any other
 * {@link INDArray} implementation gets the array serializer by default, registered or not.
 *
 * <p>The class at position {@code i} of {@link #classes()} gets ID {@value #FIRST_ID} + {@code i}, not the next free
 * ID, so that a backend array class missing from the class path leaves a gap instead of shifting every later ID:
 * driver and executors agree whenever they run the same jar. Spark registers fewer than {@value #FIRST_ID} classes of
 * its own. Instances are stateless.
 */
public final class DistillKryoRegistrator implements KryoRegistrator {
    static final int FIRST_ID = 1000;

    /** Named, not referenced, because only one ND4J backend is on the class path; neither is initialised here. */
    private static final List<String> BACKEND_ARRAYS =
            List.of("org.nd4j.linalg.cpu.nativecpu.NDArray", "org.nd4j.linalg.jcublas.JCublasNDArray");

    @Override
    public void registerClasses(Kryo kryo) {
        // Spark builds its Kryo before an executor's first task reads a broadcast or shuffled INDArray, which is
        // before ND4J loads its natives unless a task's closure already held an array.
        NativeBackend.select();
        NDArraySerializer arrays = new NDArraySerializer();
        kryo.addDefaultSerializer(INDArray.class, arrays);
        List<Class<?>> classes = classes();
        for (int i = 0; i < classes.size(); i++) {
            Class<?> type = classes.get(i);
            if (type != null) {
                kryo.register(type, serializerFor(type, kryo, arrays), FIRST_ID + i);
            }
        }
    }

    /**
     * The registered classes in ID order, null where a backend's array class is not on the class path.
     *
     * <p>Append new classes at the end: the position is the ID, and inserting one renumbers those after it.
     */
    static List<Class<?>> classes() {
        List<Class<?>> classes = new ArrayList<>();
        BACKEND_ARRAYS.forEach(name -> classes.add(backendClass(name)));
        classes.addAll(Arrays.asList(
                DataSet.class,
                ArrayList.class,
                List.of().getClass(),
                List.of(0).getClass(),
                float[][].class,
                int[][].class,
                double[][].class,
                ClassTag$.MODULE$.AnyRef().getClass(),
                ArrayType.class,
                DataTypes.FloatType.getClass(),
                ChunkedByteBuffer[].class,
                Examples.class,
                TrainingPlan.class,
                Schedule.Constant.class,
                Schedule.Linear.class,
                TrainingState.class,
                EpochMetrics.class,
                UpdaterKind.class,
                UpdaterKind.LearningRateSchedule.class,
                EnsembleWeighting.class,
                TeacherDescription.class,
                TeacherInput.class,
                TeacherFormat.class,
                ChannelLayout.class,
                OutputKind.class,
                TrainedStudent.class,
                StepRecord.class,
                StudentSpec.class,
                StudentArchitecture.class,
                KnowledgeDistillation.class,
                FitNetHint.class,
                TeacherOutput.class,
                TeacherSpecs.class,
                DatasetInfo.class,
                Checkpoints.Checkpoint.class,
                TrainedStudent[].class,
                CommunicationMetrics.class,
                PipelineMetrics.class,
                StageTimes.class,
                ExchangeSpec.class,
                TrainingProgress.class,
                HadoopSettings.class,
                java.util.TreeMap.class,
                // Spark ships these in task results when it infers a csv schema or reads a table of other types.
                org.apache.spark.sql.types.DataType[].class,
                DataTypes.ByteType.getClass(),
                DataTypes.ShortType.getClass(),
                DataTypes.IntegerType.getClass(),
                DataTypes.LongType.getClass(),
                DataTypes.DoubleType.getClass(),
                DataTypes.BooleanType.getClass(),
                DataTypes.StringType.getClass(),
                DataTypes.BinaryType.getClass(),
                DataTypes.NullType.getClass(),
                DataTypes.TimestampType.getClass(),
                DataTypes.DateType.getClass(),
                org.apache.spark.ml.linalg.VectorUDT.class,
                PeerMetrics.class,
                MutualLearning.class,
                PeerChoice.class));
        return classes;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<?> serializerFor(Class<?> type, Kryo kryo, NDArraySerializer arrays) {
        if (INDArray.class.isAssignableFrom(type)) {
            return arrays;
        }
        if (type == DataSet.class) {
            return new DataSetSerializer(arrays);
        }
        if (type.isRecord()) {
            return new RecordSerializer(type);
        }
        if (List.class.isAssignableFrom(type) && type != ArrayList.class) {
            return new ImmutableListSerializer();
        }
        return kryo.getDefaultSerializer(type);
    }

    private static Class<?> backendClass(String name) {
        try {
            return Class.forName(name, false, DistillKryoRegistrator.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
