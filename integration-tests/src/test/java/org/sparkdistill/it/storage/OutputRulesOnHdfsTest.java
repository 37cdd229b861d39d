package org.sparkdistill.it.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.it.hdfs.MiniHdfs;
import org.sparkdistill.jobs.output.NamedPath;
import org.sparkdistill.jobs.output.OutputLock;
import org.sparkdistill.jobs.output.OutputRules;
import org.sparkdistill.jobs.output.OutputRules.Kind;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/** The output rules hold on HDFS as on local disk: what is refused, the lock, and what an overwrite replaces. */
class OutputRulesOnHdfsTest {
    private static MiniHdfs hdfs;
    private Place place;

    @BeforeAll
    static void startHdfs() {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stopHdfs() {
        hdfs.close();
    }

    @BeforeEach
    void newPlace() {
        place = Place.under("hdfs", hdfs.uri() + "/rules", conf());
    }

    private static Configuration conf() {
        return hdfs.fileSystem().getConf();
    }

    private String claimRefused(String command, StoragePath output, Kind kind, boolean overwrite, NamedPath... inputs) {
        return assertThrows(InvalidInputException.class, () -> OutputRules.claim(command,
                new NamedPath("output", output.uri()), kind, overwrite, List.of(inputs), conf()).close()).getMessage();
    }

    @Test
    void anOutputThatIsContainsOrLiesInsideAnInputIsRefusedNamingBoth() throws IOException {
        StoragePath data = place.at("data");
        data.child("part-0.parquet").writeText("rows");
        StoragePath teacher = place.at("teacher.zip");
        teacher.writeText("zip");
        NamedPath train = new NamedPath("data.train", data.uri());
        assertEquals("output = " + data.uri() + " is the input data.train = " + data.uri() + "; spark-distill never"
                + " writes over its inputs, even with --overwrite: choose another output",
                claimRefused("distill", data, Kind.DIRECTORY, true, train));
        assertTrue(claimRefused("distill", data.child("out"), Kind.DIRECTORY, true, train)
                .contains(" lies inside the input data.train = "));
        assertTrue(claimRefused("distill", place.root(), Kind.DIRECTORY, true, train).contains(" contains the input "));
        assertTrue(claimRefused("distill", teacher, Kind.DIRECTORY, true,
                new NamedPath("teachers[0].path", teacher.uri())).contains(" is the input teachers[0].path = "));
        assertEquals(List.of("data", "teacher.zip"), Place.listing(place.root()), "no lock file is left");
        assertEquals("rows", Place.read(data.child("part-0.parquet")));
    }

    @Test
    void theFileSystemsRootAndTheHomeDirectoryAreRefused() {
        StoragePath root = StoragePath.of(hdfs.uri() + "/", conf());
        assertTrue(claimRefused("distill", root, Kind.DIRECTORY, true).contains(" is the file-system root "));
        StoragePath home = StoragePath.of(hdfs.fileSystem().getHomeDirectory().toString(), conf());
        assertTrue(claimRefused("distill", home, Kind.DIRECTORY, true).contains(" is the home directory "));
    }

    @Test
    void anExistingOutputNeedsOverwriteAndOnlyTheSameCommandsOutputIsReplaced() throws IOException {
        StoragePath out = place.at("out");
        PublishedOutput.publish(out, "distill", false, d -> d.child("student.zip").writeText("s"));
        assertTrue(claimRefused("distill", out, Kind.DIRECTORY, false)
                .startsWith("output " + out.uri() + " already exists; give --overwrite"));
        assertTrue(claimRefused("prepare", out, Kind.DIRECTORY, true).contains("it was written by 'distill'"));
        OutputRules.claim("distill", new NamedPath("output", out.uri()), Kind.DIRECTORY, true, List.of(), conf())
                .close();

        StoragePath foreign = place.at("foreign");
        foreign.child("notes.txt").writeText("theirs");
        assertTrue(claimRefused("distill", foreign, Kind.DIRECTORY, true).contains("it was not written by"
                + " spark-distill"));
        assertEquals("theirs", Place.read(foreign.child("notes.txt")));
    }

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLockWhichCloseDeletes() {
        StoragePath out = place.at("out");
        StoragePath lockFile = place.at(".out.lock");
        try (OutputLock first = OutputRules.claim("distill", new NamedPath("output", out.uri()), Kind.DIRECTORY, false,
                List.of(), conf())) {
            assertEquals(lockFile.uri(), first.file());
            assertTrue(lockFile.isFile());
            String refused = claimRefused("distill", out, Kind.DIRECTORY, false);
            assertTrue(refused.startsWith("output " + out.uri() + " is being written by another run, which holds the"
                    + " lock file " + lockFile.uri() + " (host="), refused);
        }
        assertFalse(lockFile.exists(), "closing deletes the lock file");
        OutputRules.claim("distill", new NamedPath("output", out.uri()), Kind.DIRECTORY, false, List.of(), conf())
                .close();
    }
}
