package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.jobs.spark.KryoSamples.array;
import static org.sparkdistill.jobs.spark.KryoSamples.assertSameValue;
import static org.sparkdistill.jobs.spark.KryoSamples.roundTrip;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DistillKryoRegistratorTest {
    private static final long SEED = 20240607L;

    /** A record the registrator does not list. */
    record Unlisted(int value) {}

    static Stream<Arguments> arrays() {
        Random random = new Random(SEED);
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16,
                DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16,
                DataType.UINT32, DataType.UINT64, DataType.BOOL)) {
            cases.add(Arguments.of(type + " [3, 4] c", array(random, type, 'c', 3, 4)));
        }
        INDArray parent = array(random, DataType.DOUBLE, 'c', 4, 5);
        INDArray fParent = array(random, DataType.FLOAT, 'f', 4, 5);
        cases.add(Arguments.of("FLOAT [2, 3, 4] f", array(random, DataType.FLOAT, 'f', 2, 3, 4)));
        cases.add(Arguments.of("INT32 [4, 1] f", array(random, DataType.INT32, 'f', 4, 1)));
        cases.add(Arguments.of("DOUBLE vector [7]", array(random, DataType.DOUBLE, 'c', 7)));
        cases.add(Arguments.of("view [1:3, 1:4] of c",
                parent.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(1, 4))));
        cases.add(Arguments.of("view [1:4, 2:5] of f",
                fParent.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 5))));
        cases.add(Arguments.of("row view", parent.getRow(2)));
        cases.add(Arguments.of("column view", parent.getColumn(3)));
        cases.add(Arguments.of("transpose", parent.transpose()));
        cases.add(Arguments.of("permute", array(random, DataType.FLOAT, 'c', 2, 3, 4).permute(2, 0, 1)));
        cases.add(Arguments.of("empty [0, 3]", Nd4j.create(DataType.FLOAT, 0, 3)));
        cases.add(Arguments.of("empty rank 0", Nd4j.empty(DataType.INT32)));
        cases.add(Arguments.of("scalar DOUBLE", Nd4j.scalar(DataType.DOUBLE, 2.5)));
        cases.add(Arguments.of("scalar FLOAT", Nd4j.scalar(-0.75f)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arrays")
    void arraysKeepTypeShapeOrderingAndValues(String name, INDArray array) {
        INDArray back = roundTrip(array);
        assertEquals(array.dataType(), back.dataType(), name);
        assertArrayEquals(array.shape(), back.shape(), name);
        assertEquals(array.isEmpty(), back.isEmpty(), name);
        assertEquals(array.ordering() == 'f' ? 'f' : 'c', back.ordering(), name);
        assertEquals(array, back, name);
        assertFalse(back.isView(), name);
    }

    @Test
    void aViewIsWrittenAsItsOwnElementsNotItsParentsBuffer() {
        INDArray parent = array(new Random(SEED), DataType.FLOAT, 'c', 100, 100);
        INDArray view = parent.get(NDArrayIndex.interval(40, 42), NDArrayIndex.interval(10, 13));
        assertTrue(KryoSamples.serializedSize(view) < 64, "a 2 x 3 view took " + KryoSamples.serializedSize(view)
                + " bytes");
        INDArray back = roundTrip(view);
        assertEquals(view.dup(), back);
        back.assign(0);
        assertEquals(parent.getDouble(40, 10), view.getDouble(0, 0));
    }

    @Test
    void stringArraysAreRefusedWithTheirType() {
        KryoException e = assertThrows(KryoException.class, () -> roundTrip(Nd4j.create("a", "bc")));
        assertTrue(e.getMessage().contains("data type UTF8"), e.getMessage());
    }

    @Test
    void dataSetsKeepArraysMasksAndNames() {
        Random random = new Random(SEED);
        DataSet masked = new DataSet(array(random, DataType.FLOAT, 'c', 4, 3, 5),
                array(random, DataType.FLOAT, 'c', 4, 2, 5), array(random, DataType.FLOAT, 'c', 4, 5),
                array(random, DataType.FLOAT, 'c', 4, 5));
        masked.setLabelNames(List.of("cat", "dog"));
        masked.markAsPreProcessed();
        DataSet plain = new DataSet(array(random, DataType.DOUBLE, 'f', 6, 3),
                array(random, DataType.DOUBLE, 'c', 6, 2));
        DataSet featuresOnly = new DataSet(array(random, DataType.FLOAT, 'c', 2, 8), null);
        for (DataSet data : List.of(masked, plain, featuresOnly)) {
            DataSet back = roundTrip(data);
            assertEquals(data.getFeatures(), back.getFeatures());
            assertEquals(data.getLabels(), back.getLabels());
            assertEquals(data.getFeaturesMaskArray(), back.getFeaturesMaskArray());
            assertEquals(data.getLabelsMaskArray(), back.getLabelsMaskArray());
            assertEquals(data.getLabelNamesList(), back.getLabelNamesList());
            assertEquals(data.isPreProcessed(), back.isPreProcessed());
        }
        assertNull(roundTrip(plain).getFeaturesMaskArray());
        assertNull(roundTrip(featuresOnly).getLabels());
    }

    @Test
    void dataSetsWithExampleMetadataAreRefusedRatherThanTruncated() {
        DataSet data = new DataSet(Nd4j.zeros(2, 3), Nd4j.zeros(2, 2));
        data.setExampleMetaData(List.of("row 0", "row 1"));
        KryoException e = assertThrows(KryoException.class, () -> roundTrip(data));
        assertTrue(e.getMessage().contains("example metadata (2 entries)"), e.getMessage());
    }

    @Test
    void everyProjectRecordAndEnumSurvives() {
        for (Object value : KryoSamples.projectValues(new Random(SEED))) {
            assertSameValue(value, roundTrip(value));
        }
    }

    @Test
    void everyRegisteredProjectClassHasASample() {
        Set<Class<?>> registered = DistillKryoRegistrator.classes().stream()
                .filter(type -> type != null && type.getName().startsWith("org.sparkdistill."))
                .collect(Collectors.toSet());
        Set<Class<?>> sampled = KryoSamples.projectValues(new Random(SEED)).stream().map(Object::getClass)
                .collect(Collectors.toSet());
        assertEquals(registered, sampled);
    }

    @Test
    void jdkContainersSurviveAndListsStayUnmodifiable() {
        List<byte[]> zips = new ArrayList<>(List.of(new byte[] {1, 2}, new byte[] {3}));
        List<?> back = roundTrip(zips);
        assertInstanceOf(ArrayList.class, back);
        assertArrayEquals(zips.get(1), (byte[]) back.get(1));
        for (List<Integer> list : List.of(List.<Integer>of(), List.of(7), List.of(7, 8), List.of(7, 8, 9))) {
            List<Integer> copy = roundTrip(list);
            assertEquals(list, copy);
            assertEquals(list.getClass(), copy.getClass());
            assertThrows(UnsupportedOperationException.class, () -> copy.add(1));
        }
        assertSameValue(new float[][] {{1f, 2f}, {3f}}, roundTrip(new float[][] {{1f, 2f}, {3f}}));
        assertSameValue(new int[][] {{1}, {2, 3}}, roundTrip(new int[][] {{1}, {2, 3}}));
        assertSameValue(new double[][] {{0.5}}, roundTrip(new double[][] {{0.5}}));
    }

    @Test
    void anUnregisteredClassIsRefusedByKryo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> roundTrip(new Unlisted(1)));
        assertTrue(e.getMessage().startsWith("Class is not registered: " + Unlisted.class.getName()), e.getMessage());
    }

    @Test
    void idsFollowTheListAboveEverySparkRegistration() {
        Kryo kryo = new KryoSerializer(KryoSamples.strict(new SparkConf(false))).newKryo();
        List<Class<?>> classes = DistillKryoRegistrator.classes();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i) != null) {
                assertEquals(DistillKryoRegistrator.FIRST_ID + i, kryo.getRegistration(classes.get(i)).getId(),
                        classes.get(i).getName());
            }
        }
        Kryo sparkOnly = new KryoSerializer(new SparkConf(false)).newKryo();
        assertTrue(sparkOnly.getNextRegistrationId() < DistillKryoRegistrator.FIRST_ID,
                "Spark registers classes up to ID " + sparkOnly.getNextRegistrationId());
    }

    @Test
    void theBackendsArrayClassIsRegisteredWithTheArraySerializer() {
        Kryo kryo = new KryoSerializer(KryoSamples.strict(new SparkConf(false))).newKryo();
        Registration registration = kryo.getRegistration(Nd4j.create(DataType.FLOAT, 2).getClass());
        assertInstanceOf(NDArraySerializer.class, registration.getSerializer());
        assertInstanceOf(NDArraySerializer.class, kryo.getDefaultSerializer(INDArray.class));
    }
}
