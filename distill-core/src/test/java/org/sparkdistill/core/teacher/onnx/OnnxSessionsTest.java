package org.sparkdistill.core.teacher.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.io.Sha256;
import org.sparkdistill.core.teacher.TeacherDescription;

class OnnxSessionsTest {
    static final OnnxSessions SESSIONS = OnnxSessions.shared();

    static String mlpHash() throws IOException {
        return Sha256.hex(Files.readAllBytes(OnnxTeacherTest.MLP));
    }

    @Test
    void teachersOfTheSameFileShareOneSessionThatClosesWithTheLastOfThem() throws IOException {
        int before = SESSIONS.openSessions();
        try (OnnxTeacher a = OnnxTeacherTest.mlp(TeacherDescription.DETECTED);
                OnnxTeacher b = OnnxTeacherTest.mlp(TeacherDescription.DETECTED)) {
            assertShared(before, a, b);
        }
        assertEquals(before, SESSIONS.openSessions());
        assertEquals(0, SESSIONS.users(mlpHash(), List.of()));
    }

    /** Both teachers use one session, which outlives the first to close and closes with the second. */
    private static void assertShared(int before, OnnxTeacher a, OnnxTeacher b) throws IOException {
        assertEquals(before + 1, SESSIONS.openSessions());
        assertEquals(2, SESSIONS.users(mlpHash(), List.of()));
        a.close();
        assertEquals(before + 1, SESSIONS.openSessions());
        assertEquals(1, SESSIONS.users(mlpHash(), List.of()));
        assertEquals(2, b.logits(new OnnxTeacherTest().rows(2, 1)).size(0), "the other teacher still runs");
        b.close();
        assertEquals(before, SESSIONS.openSessions());
        assertEquals(0, SESSIONS.users(mlpHash(), List.of()));
    }

    @Test
    void differentAppendedOutputsGetDifferentSessions() throws IOException {
        int before = SESSIONS.openSessions();
        try (OnnxTeacher plain = OnnxTeacherTest.mlp(TeacherDescription.DETECTED);
                OnnxTeacher hinted = OnnxTeacherTest.mlp(
                        TeacherDescription.DETECTED.withHints(List.of(OnnxTeacherTest.RELU)));
                OnnxTeacher alsoHinted = OnnxTeacherTest.mlp(
                        TeacherDescription.DETECTED.withHints(List.of(OnnxTeacherTest.RELU, "logits")))) {
            assertEquals(before + 2, SESSIONS.openSessions());
            assertEquals(1, SESSIONS.users(mlpHash(), List.of()));
            assertEquals(2, SESSIONS.users(mlpHash(), List.of(OnnxTeacherTest.RELU)));
        }
        assertEquals(before, SESSIONS.openSessions());
    }

    @Test
    void aWidenedTeacherHoldsBothItsSessionsUntilItCloses() throws IOException {
        int before = SESSIONS.openSessions();
        try (OnnxTeacher teacher = OnnxTeacherTest.mlp(TeacherDescription.DETECTED)) {
            teacher.activations(new OnnxTeacherTest().rows(2, 1), List.of(OnnxTeacherTest.RELU));
            assertEquals(before + 2, SESSIONS.openSessions());
            assertEquals(1, SESSIONS.users(mlpHash(), List.of()));
            assertEquals(1, SESSIONS.users(mlpHash(), List.of(OnnxTeacherTest.RELU)));
        }
        assertEquals(before, SESSIONS.openSessions());
    }
}
