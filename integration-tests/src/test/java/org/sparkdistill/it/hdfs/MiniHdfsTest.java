package org.sparkdistill.it.hdfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MiniHdfsTest {
    private static final Duration THREAD_END_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void filesWrittenThroughTheClientAreRenamedListedAndDeletedThere() throws IOException {
        try (MiniHdfs hdfs = MiniHdfs.start()) {
            FileSystem fs = hdfs.fileSystem();
            org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(hdfs.path("/out/.staging/part"));
            try (OutputStream out = fs.create(staged, false)) {
                out.write("rows".getBytes(StandardCharsets.UTF_8));
            }
            org.apache.hadoop.fs.Path published = new org.apache.hadoop.fs.Path(hdfs.path("/out/part"));
            assertTrue(fs.rename(staged, published));
            assertEquals(List.of(".staging", "part"), Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(
                    hdfs.path("/out")))).map(status -> status.getPath().getName()).sorted().toList());
            try (InputStream in = fs.open(published)) {
                assertArrayEquals("rows".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
            }
            assertTrue(fs.delete(new org.apache.hadoop.fs.Path(hdfs.path("/out")), true));
            assertFalse(fs.exists(published));
        }
    }

    @Test
    void sparkWritesAndReadsParquetOnItByUri() {
        try (MiniHdfs hdfs = MiniHdfs.start()) {
            SparkSession spark = SparkSession.builder().master("local[2]").appName("MiniHdfsTest")
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                String table = hdfs.path("/tables/squares");
                spark.range(0, 1000).selectExpr("id", "id * id AS square").write().parquet(table);
                Row totals = spark.read().parquet(table).selectExpr("count(*)", "sum(square)").first();
                assertEquals(1000L, totals.getLong(0));
                assertEquals(332_833_500L, totals.getLong(1), "the sum of the squares 0² … 999²");
            } finally {
                spark.stop();
            }
        }
    }

    @Test
    void closingStopsTheNameNodeAndLeavesNoThreadThatKeepsTheJvmAlive() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        MiniHdfs hdfs = MiniHdfs.start();
        int port = hdfs.port();
        hdfs.close();

        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }, "the NameNode's port " + port + " is closed");
        // The DataNode's web server stops its Netty event loops gracefully, after close() has returned.
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.isDaemon() && !before.contains(thread)).toList();
        for (Thread thread : started) {
            thread.join(THREAD_END_TIMEOUT.toMillis());
        }
        List<String> left = started.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        assertEquals(List.of(), left, "non-daemon threads started by the HDFS and alive "
                + THREAD_END_TIMEOUT.toSeconds() + " s after it closed");
    }

    @Test
    void aRelativePathIsRefused() {
        try (MiniHdfs hdfs = MiniHdfs.start()) {
            assertThrows(IllegalArgumentException.class, () -> hdfs.path("data"));
        }
    }
}
