package org.sparkdistill.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.jobs.storage.StoragePath;

class DatasetInfoTest {
    static final DatasetInfo FASHION = new DatasetInfo(new int[] {1, 28, 28}, 10, 60000);

    @TempDir
    Path dir;

    @Test
    void writesTheGoldenFormatAndReadsItBack() throws IOException {
        FASHION.writeTo(StoragePath.local(dir));
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/dataset/golden-info.properties")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, Files.readString(dir.resolve(DatasetInfo.FILE_NAME)));
        assertEquals(FASHION, DatasetInfo.readFrom(StoragePath.local(dir)));
        assertEquals(784, FASHION.featureCount());
    }

    @Test
    void aDirectoryWithoutInfoOrWithAnotherFormatIsRefused() throws IOException {
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir)));
        assertTrue(missing.getMessage().contains(dir.toString()) && missing.getMessage().contains("'prepare'"),
                missing.getMessage());
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), "format=other\n");
        InvalidInputException format = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir)));
        assertTrue(format.getMessage().contains("format other"), format.getMessage());
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), "format=spark-distill-dataset/1\nshape=a,b\n");
        InvalidInputException broken = assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir)));
        assertEquals(dir.resolve(DatasetInfo.FILE_NAME) + ": shape = \"a\": must be an integer in [1, 2147483647]",
                broken.getMessage());
    }

    InvalidInputException refusedDescription(String text) throws IOException {
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), "format=spark-distill-dataset/1\n" + text);
        return assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir)));
    }

    @Test
    void everyNumberIsCheckedAgainstItsRange() throws IOException {
        String any = "must be an integer in [1, 2147483647]";
        String count = "must be an integer in [0, 9223372036854775807]";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("shape=1,0\nnumClasses=10\nrows=5\n", "shape = \"0\": " + any);
        refusals.put("numClasses=10\nrows=5\n", "shape = \"\": " + any);
        refusals.put("shape=4\nnumClasses=1\nrows=5\n", "numClasses = \"1\": must be an integer in [2, 2147483647]");
        refusals.put("shape=4\nnumClasses=3\nrows=-5\n", "rows = \"-5\": " + count);
        refusals.put("shape=4\nnumClasses=3\n", "rows = null: " + count);
        refusals.put("shape=65536,65536\nnumClasses=3\nrows=1\n",
                "shape = \"65536,65536\" holds more than 2147483647 features per example");
        refusals.put("shape=2147483647,2147483647,2147483647\nnumClasses=3\nrows=1\n",
                "shape = \"2147483647,2147483647,2147483647\" holds more than 2147483647 features per example");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            assertEquals(dir.resolve(DatasetInfo.FILE_NAME) + ": " + refusal.getValue(),
                    refusedDescription(refusal.getKey()).getMessage());
        }
        assertEquals(new DatasetInfo(new int[] {2, 3}, 4, 0),
                readBack("format=spark-distill-dataset/1\nshape= 2, 3\nnumClasses=4\nrows=0\n"));
    }

    DatasetInfo readBack(String text) throws IOException {
        Files.writeString(dir.resolve(DatasetInfo.FILE_NAME), text);
        return DatasetInfo.readFrom(StoragePath.local(dir));
    }

    @Test
    void aHugeOrLongValuedDescriptionIsRefusedShort() throws IOException {
        Path file = dir.resolve(DatasetInfo.FILE_NAME);
        Files.write(file, new byte[DatasetInfo.MAX_FILE_BYTES + 1]);
        assertEquals("dataset description " + file + " is larger than 1 MiB (1048576 bytes), the most it may hold",
                assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir))).getMessage());
        Files.writeString(file, "format=" + "f".repeat(10_000) + "\n");
        assertEquals(file + " has format " + "f".repeat(200) + "… (10000 characters); expected spark-distill-dataset/1",
                assertThrows(InvalidInputException.class, () -> DatasetInfo.readFrom(StoragePath.local(dir))).getMessage());
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
