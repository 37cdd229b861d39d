package org.sparkdistill.core.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkdistill.core.InvalidInputException;

class TeacherInputTest {
    private static final long[] IMAGE = {3, 2, 2};

    /** Two examples of shape [3, 2, 2] whose value at (n, c, h, w) is 1000n + 100c + 10h + w. */
    private static INDArray rows() {
        float[] values = new float[24];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 2; w++) {
                        values[n * 12 + c * 4 + h * 2 + w] = 1000 * n + 100 * c + 10 * h + w;
                    }
                }
            }
        }
        return Nd4j.create(values, new long[] {2, 12}, DataType.FLOAT);
    }

    @Test
    void flatRowsPassThroughUntouchedWhenNothingIsAsked() {
        InputTransform transform = TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 12});
        INDArray rows = rows();
        assertSame(rows, transform.apply(rows));
        assertArrayEquals(new long[] {12}, transform.exampleShape());
    }

    @Test
    void aRankFourModelGetsImagesChannelsFirst() {
        InputTransform transform = TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 3, 2, 2});
        INDArray batch = transform.apply(rows());
        assertArrayEquals(new long[] {2, 3, 2, 2}, batch.shape());
        assertEquals(1111f, batch.getFloat(1, 1, 1, 1), 0f);
        assertEquals(ChannelLayout.NCHW, transform.layout());
    }

    @Test
    void channelsLastIsInferredWhenOnlyItFitsAndThenPermuted() {
        InputTransform transform = TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 2, 2, 3});
        assertEquals(ChannelLayout.NHWC, transform.layout());
        INDArray batch = transform.apply(rows());
        assertArrayEquals(new long[] {2, 2, 2, 3}, batch.shape());
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 2; w++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(1000 + 100 * c + 10 * h + w, batch.getFloat(1, h, w, c), 0f);
                }
            }
        }
        assertEquals('c', batch.ordering());
    }

    @Test
    void freeSizesAreTakenFromTheData() {
        InputTransform transform = TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 3, -1, -1});
        assertArrayEquals(new long[] {3, 2, 2}, transform.exampleShape());
        InputTransform nhwc = new TeacherInput(ChannelLayout.NHWC, null, 1, null, null).bind("t", IMAGE,
                new long[] {-1, -1, -1, 3});
        assertArrayEquals(new long[] {2, 2, 3}, nhwc.exampleShape());
    }

    @Test
    void scalingAndPerChannelNormalisationComeBeforeTheLayout() {
        TeacherInput input = new TeacherInput(ChannelLayout.NHWC, null, 2, new double[] {0, 100, 200},
                new double[] {1, 2, 4});
        INDArray batch = input.bind("t", IMAGE, null).apply(rows());
        assertArrayEquals(new long[] {2, 2, 2, 3}, batch.shape());
        // (x × 2 − mean[c]) / std[c] for x = 100c + 10h + w at n = 0.
        for (int c = 0; c < 3; c++) {
            double x = 100 * c + 10 + 1;
            assertEquals((float) ((x * 2 - new double[] {0, 100, 200}[c]) / new double[] {1, 2, 4}[c]),
                    batch.getFloat(0, 1, 1, c), 0f);
        }
        INDArray single = new TeacherInput(null, null, 1, new double[] {1000}, new double[] {10}).bind("t", IMAGE,
                new long[] {-1, 12}).apply(rows());
        assertEquals((1111f - 1000f) / 10f, single.getFloat(1, 7), 1e-6f);
    }

    @Test
    void theRowsThemselvesAreNeverChanged() {
        INDArray rows = rows();
        INDArray before = rows.dup();
        new TeacherInput(null, null, 3, new double[] {1}, new double[] {2}).bind("t", IMAGE, null).apply(rows);
        assertEquals(before, rows);
    }

    @Test
    void anExplicitShapeReshapesAndMustHoldTheSameValues() {
        InputTransform transform = new TeacherInput(null, new long[] {3, 4}, 1, null, null).bind("t", IMAGE, null);
        assertArrayEquals(new long[] {2, 3, 4}, transform.apply(rows()).shape());
        assertEquals("teacher 't' takes examples of shape [5, 4] (20 values), but the data's have shape [3, 2, 2]"
                + " (12 values)", assertThrows(InvalidInputException.class, () -> new TeacherInput(null,
                        new long[] {5, 4}, 1, null, null).bind("t", IMAGE, null)).getMessage());
    }

    @Test
    void aModelWhoseInputDoesNotFitTheDataIsRefusedNamingBothShapes() {
        assertEquals("teacher 't' takes examples of shape [3, 32, 32] (3072 values), but the data's have shape"
                + " [3, 2, 2] (12 values)", assertThrows(InvalidInputException.class,
                        () -> TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 3, 32, 32})).getMessage());
        assertEquals("teacher 't' declares input shape [?, 4, 3], which examples of shape [3, 4] do not fit (the"
                + " data's shape is [3, 2, 2])", assertThrows(InvalidInputException.class,
                        () -> new TeacherInput(null, new long[] {3, 4}, 1, null, null).bind("t", IMAGE,
                                new long[] {-1, 4, 3})).getMessage());
        assertEquals("teacher 't' has input layout NHWC, but the data's examples have shape [12], not [channels,"
                + " height, width]; set data.shape", assertThrows(InvalidInputException.class,
                        () -> new TeacherInput(ChannelLayout.NHWC, null, 1, null, null).bind("t", new long[] {12},
                                null)).getMessage());
    }

    @Test
    void normalisationNeedsOneValueOrOnePerChannel() {
        assertEquals("teacher 't' input mean = [0.1, 0.2] has 2 values, but the data's examples (shape [3, 2, 2])"
                + " have 3 channels; give one value or one per channel", assertThrows(InvalidInputException.class,
                        () -> new TeacherInput(null, null, 1, new double[] {0.1, 0.2}, null).bind("t", IMAGE, null))
                .getMessage());
        assertEquals("teacher input std = [1.0, 0.0]: each must be finite and > 0", assertThrows(
                InvalidInputException.class, () -> new TeacherInput(null, null, 1, null, new double[] {1, 0}))
                .getMessage());
        assertEquals("teacher input scale = NaN: must be finite and non-zero", assertThrows(
                InvalidInputException.class, () -> new TeacherInput(null, null, Double.NaN, null, null)).getMessage());
    }

    @Test
    void rowsOfAnotherWidthAreRefused() {
        InputTransform transform = TeacherInput.AS_DATA.bind("t", IMAGE, new long[] {-1, 3, 2, 2});
        assertEquals("teacher input of shape [2, 5] does not hold flat examples of shape [3, 2, 2] (12 values each)",
                assertThrows(InvalidInputException.class, () -> transform.apply(Nd4j.zeros(DataType.FLOAT, 2, 5)))
                        .getMessage());
    }

    @Test
    void equalSettingsAreEqual() {
        assertEquals(new TeacherInput(ChannelLayout.NHWC, new long[] {2}, 2, new double[] {1}, null),
                new TeacherInput(ChannelLayout.NHWC, new long[] {2}, 2, new double[] {1}, new double[0]));
        assertEquals(new TeacherInput(null, null, 1, null, null).hashCode(), TeacherInput.AS_DATA.hashCode());
    }
}
