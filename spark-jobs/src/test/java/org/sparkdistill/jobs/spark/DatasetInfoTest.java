package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class DatasetInfoTest {
    static final DatasetInfo FASHION = new DatasetInfo(new int[] {1, 28, 28}, 10, 60000);

    @TempDir
    Path dir;

    @Test
    void writesTheGoldenFormatAndReadsItBack() throws IOException {
        FASHION.writeTo(dir);
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/dataset/golden-info.properties")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, Files.readString(dir.resolve(DatasetInfo.FILE_NAME)));
        assertEquals(FASHION, DatasetInfo.readFrom(dir));
        assertEquals(784, FASHION.featureCount());
    }

    @Test
    void aDirectoryWithoutInfoOrWithAnotherFormatIsRefused() throws IOException {
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(dir));
        assertTrue(missing.getMessage().contains(dir.toString()) && missing.getMessage().contains("'prepare'"),
                missing.getMessage());
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), "format=other\n");
        InvalidInputException format = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(dir));
        assertTrue(format.getMessage().contains("format other"), format.getMessage());
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), "format=spark-distill-dataset/1\nshape=a,b\n");
        InvalidInputException broken = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(dir));
        assertTrue(broken.getMessage().contains("not a readable dataset description"), broken.getMessage());
    }

    @Test
    void schemaCheckNamesEveryMissingOrMistypedColumn() {
        ExampleFrames.requireSchema(ExampleFrames.SCHEMA, "ok");
        StructType wrong = new StructType().add("id", DataTypes.StringType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ExampleFrames.requireSchema(wrong, "/data/x.parquet"));
        assertTrue(e.getMessage().startsWith("/data/x.parquet does not have the dataset schema"), e.getMessage());
        assertTrue(e.getMessage().contains("column 'id' has type string but must be bigint"), e.getMessage());
        assertTrue(e.getMessage().contains("column 'features' has type array<double> but must be array<float>"),
                e.getMessage());
        assertTrue(e.getMessage().contains("column 'label' is missing"), e.getMessage());
    }
}
