package org.sparkdistill.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationTest {
    @TempDir
    Path dir;

    @Test
    void containsGoesBySegmentsNotByCharacters() {
        Location data = Location.of(dir.resolve("data").toString());
        assertTrue(data.contains(Location.of(dir.resolve("data").toString())));
        assertTrue(data.contains(Location.of(dir.resolve("data/part/x").toString())));
        assertFalse(data.contains(Location.of(dir.resolve("data2").toString())), "a sibling sharing a prefix");
        assertFalse(Location.of(dir.resolve("data/x").toString()).contains(data));
    }

    @Test
    void aLocalPathIsMadeAbsoluteNormalizedAndReal() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        Location through = Location.of(link + "/not-yet/../out");
        assertEquals(data.toRealPath().resolve("out"), through.path(), "the link resolved, the missing rest kept");
        assertEquals("file", through.scheme());
        assertTrue(through.isLocal());
        assertEquals(Path.of("").toAbsolutePath(), Location.of(".").path().toAbsolutePath());
    }

    @Test
    void aFileUriIsTheLocalPath() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Location uri = Location.of(data.toUri().toString());
        assertEquals(Location.of(data.toString()).path(), uri.path());
        assertTrue(uri.isLocal());
        assertTrue(Location.of("file:" + data).contains(Location.of(data.resolve("x").toString())));
    }

    @Test
    void hadoopUrisCompareBySchemeAuthorityAndPath() {
        Location data = Location.of("hdfs://NameNode:8020/data/train");
        assertFalse(data.isLocal());
        assertEquals("namenode:8020", data.authority());
        assertTrue(data.contains(Location.of("HDFS://namenode:8020/data/train/../train/part-0")));
        assertFalse(data.contains(Location.of("hdfs://other:8020/data/train")), "another cluster");
        assertFalse(data.contains(Location.of("s3a://namenode:8020/data/train")), "another file system");
        assertFalse(data.contains(Location.of("/data/train")), "the local file system");
        assertEquals("hdfs://NameNode:8020/data/train/ (hdfs://namenode:8020/data/train)",
                Location.of("hdfs://NameNode:8020/data/train/").describe());
    }
}
