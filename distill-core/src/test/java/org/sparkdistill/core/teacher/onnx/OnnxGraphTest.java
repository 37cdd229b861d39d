package org.sparkdistill.core.teacher.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.teacher.Reference;

class OnnxGraphTest {
    static byte[] mlp() throws IOException {
        return Files.readAllBytes(OnnxTeacherTest.MLP);
    }

    @Test
    void readsTheNodesAndOutputsOfAnExportedModel() throws IOException {
        OnnxGraph graph = OnnxGraph.parse(mlp(), "mlp.onnx");
        assertEquals(List.of("logits"), graph.outputs());
        assertEquals(List.of(OnnxTeacherTest.GEMM, OnnxTeacherTest.RELU, "logits"), graph.tensorNames());
        assertEquals("Relu", graph.producer(OnnxTeacherTest.RELU));
        assertEquals("Gemm", graph.producer("logits"));
        assertEquals("", graph.producer("input"));
        assertEquals("Softmax", OnnxGraph.parse(Files.readAllBytes(Reference.TEACHERS.resolve("cnn-nhwc.onnx")),
                "cnn-nhwc.onnx").producer("probabilities"));
    }

    @Test
    void appendedOutputsFollowTheGraphsOwnAndLeaveTheRestAsItWas() throws IOException {
        byte[] model = mlp();
        byte[] widened = OnnxGraph.withOutputs(model, List.of(OnnxTeacherTest.RELU, OnnxTeacherTest.GEMM));
        OnnxGraph graph = OnnxGraph.parse(widened, "widened");
        assertEquals(List.of("logits", OnnxTeacherTest.RELU, OnnxTeacherTest.GEMM), graph.outputs());
        assertEquals(OnnxGraph.parse(model, "mlp").tensorNames(), graph.tensorNames());
        assertArrayEquals(model, OnnxGraph.withOutputs(model, List.of()));
        // Every top-level field but the graph is copied byte for byte.
        List<Protobuf.Field> before = Protobuf.fields(model, 0, model.length);
        List<Protobuf.Field> after = Protobuf.fields(widened, 0, widened.length);
        assertEquals(before.stream().map(Protobuf.Field::number).toList(),
                after.stream().map(Protobuf.Field::number).toList());
        for (int i = 0; i < before.size(); i++) {
            Protobuf.Field b = before.get(i);
            Protobuf.Field a = after.get(i);
            if (b.number() != 7) {
                assertArrayEquals(Arrays.copyOfRange(model, b.start(), b.end()),
                        Arrays.copyOfRange(widened, a.start(), a.end()), "field " + b.number());
            }
        }
    }

    @Test
    void malformedBytesAreRefusedNamingTheFile() {
        for (byte[] bytes : List.of(new byte[] {0x08}, new byte[] {0x08, 0x07}, new byte[] {0x08, 0x07, 0x3a, 0x05},
                new byte[] {0x0b, 0x00}, "hello".getBytes())) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> OnnxGraph.parse(bytes, "x.onnx"),
                    Arrays.toString(bytes));
            assertTrue(e.getMessage().startsWith("teacher model file x.onnx is not an ONNX model: "), e.getMessage());
        }
    }

    @Test
    void varintsOfEveryLengthRoundTrip() {
        for (long value : new long[] {0, 1, 127, 128, 300, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE, -1}) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] payload = new byte[(int) Math.min(Math.abs(value % 1000), 200)];
            Protobuf.writeLengthDelimited(out, 3, payload);
            byte[] bytes = out.toByteArray();
            List<Protobuf.Field> fields = Protobuf.fields(bytes, 0, bytes.length);
            assertEquals(1, fields.size());
            assertEquals(3, fields.get(0).number());
            assertEquals(payload.length, fields.get(0).end() - fields.get(0).valueStart());
        }
    }
}
