package org.sparkdistill.core.teacher;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The teacher contract for a DL4J model zip, loaded as every teacher file is. */
class Dl4jTeacherContractTest implements TeacherContract {
    @TempDir
    static Path dir;

    static Path zip;

    @BeforeAll
    static void write() throws IOException {
        zip = dir.resolve("mlp.zip");
        ModelSerializer.writeModel(Dl4jTeacherTest.network(), zip.toFile(), false);
    }

    @Override
    public Teacher newTeacher() {
        return TeacherLoader.load(zip, "mlp.zip", zip.toString(), TeacherDescription.DETECTED, new long[] {6}, 1);
    }

    @Override
    public int featureCount() {
        return 6;
    }
}
