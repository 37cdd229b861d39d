package org.sparkdistill.jobs.cache;

import org.sparkdistill.jobs.storage.StoragePath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class CacheManifestTest {
    static final CacheManifest GOLDEN = new CacheManifest(5, false, 10, 60000,
            new DatasetFingerprint(60000, "8c1f0a3b5d7e9f21", "-123456789012345678901"),
            List.of(new CacheManifest.TeacherEntry("t0", "cnn.zip",
                            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                            "format=dl4j layout=auto shape=auto scale=1.0 mean=[] std=[] output=auto outputKind=auto",
                            List.of(new CacheManifest.HintColumn("4", "t0_hint_4", 128))),
                    new CacheManifest.TeacherEntry("t1", "mlp.onnx",
                            "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                            "format=onnx layout=NHWC shape=[28, 28, 1] scale=255.0 mean=[0.5] std=[0.25] output=logits"
                                    + " outputKind=probabilities", List.of())),
            "2025-01-02T03:04:05Z");

    @TempDir
    Path dir;

    static String golden() throws IOException {
        try (InputStream in = CacheManifestTest.class.getResourceAsStream("/cache/golden-manifest.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theManifestIsWrittenByteForByteAsTheGoldenFile() throws IOException {
        assertEquals(golden(), GOLDEN.toJson());
    }

    @Test
    void theGoldenFileReadsBackToTheSameManifest() throws IOException {
        Files.writeString(dir.resolve(CacheManifest.FILE_NAME), golden());
        assertEquals(GOLDEN, CacheManifest.readFrom(StoragePath.local(dir)));
    }

    InvalidInputException refused(String json) throws IOException {
        Files.writeString(dir.resolve(CacheManifest.FILE_NAME), json);
        return assertThrows(InvalidInputException.class, () -> CacheManifest.readFrom(StoragePath.local(dir)));
    }

    @Test
    void aManifestOfAnotherFormatOrWithBadFieldsIsRefusedNamingTheField() throws IOException {
        String file = dir.resolve(CacheManifest.FILE_NAME).toString();
        String golden = golden();
        assertEquals(file + ": format = \"spark-distill-soft-labels/1\", but this version reads"
                + " \"spark-distill-soft-labels/2\"; write the cache again with this version's teacher-infer",
                refused(golden.replace("soft-labels/2", "soft-labels/1")).getMessage());
        assertEquals(file + ": field 'topK' = 0: must be an integer in [1, 2147483647]",
                refused(golden.replace("\"topK\": 5", "\"topK\": 0")).getMessage());
        assertEquals(file + ": field 'topK' = five: must be an integer in [1, 2147483647]",
                refused(golden.replace("\"topK\": 5", "\"topK\": \"five\"")).getMessage());
        assertEquals(file + ": field 'numClasses' is missing",
                refused(golden.replace("\"numClasses\": 10,", "")).getMessage());
        assertEquals(file + ": field 'teachers[1].sha256' is missing",
                refused(golden.replace("\"sha256\": \"6030", "\"sha\": \"6030")).getMessage());
        assertEquals(file + ": field 'dataset.xxhash64Xor' = 12: must be text",
                refused(golden.replace("\"8c1f0a3b5d7e9f21\"", "12")).getMessage());
        assertTrue(refused(golden.replace("\"full\": false", "\"full\": true")).getMessage()
                .contains("full = true contradicts topK = 5 and numClasses = 10"));
        assertTrue(refused(golden.replace("temperature-free", "T=4")).getMessage().contains("logits = \"T=4\""));
        assertTrue(refused(golden.replace("\"column\": \"t1\"", "\"column\": \"t7\"")).getMessage()
                .contains("teachers[1].column = \"t7\""));
        assertEquals(file + ": the manifest must be a JSON object", refused("[1, 2]").getMessage());
        assertTrue(refused("{\"format\": ").getMessage().startsWith(file + " is not a readable manifest: "));
    }

    @Test
    void aDirectoryWithoutManifestIsNotACache() throws IOException {
        Files.writeString(dir.resolve("part-00000.parquet"), "rows");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CacheManifest.readFrom(StoragePath.local(dir)));
        assertTrue(e.getMessage().startsWith("soft-label cache " + dir + " has no manifest.json: it is not a complete"
                + " cache"), e.getMessage());
        Path missing = dir.resolve("nowhere");
        e = assertThrows(InvalidInputException.class, () -> CacheManifest.readFrom(StoragePath.local(missing)));
        assertTrue(e.getMessage().startsWith("cache.path = " + missing + ": no such directory"), e.getMessage());
    }
}
