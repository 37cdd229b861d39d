package org.sparkdistill.it.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdistill.it.storage.Place.listing;
import static org.sparkdistill.it.storage.Place.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.it.hdfs.MiniHdfs;
import org.sparkdistill.jobs.storage.OutputMarker;
import org.sparkdistill.jobs.storage.PublishedOutput;
import org.sparkdistill.jobs.storage.StoragePath;

/** The commit protocol of every output, on the local file system and on a real HDFS alike. */
class PublishedOutputTest {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stopHdfs() {
        hdfs.close();
    }

    static Stream<Place> places() {
        return Stream.of(Place.local(), Place.under("hdfs", hdfs.uri() + "/outputs", hdfs.fileSystem().getConf()));
    }

    private static void publish(StoragePath out, String command, boolean overwrite, String file, String text) {
        PublishedOutput.publish(out, command, overwrite, d -> d.child(file).writeText(text));
    }

    @ParameterizedTest
    @MethodSource("places")
    void publishesWhatTheWriterWroteAndMarksItCompleteLast(Place place) {
        StoragePath out = place.at("out");
        PublishedOutput.publish(out, "distill", false, d -> {
            assertEquals(List.of(OutputMarker.PENDING_NAME), listing(d), "only the pending marker while writing");
            d.child("a.txt").writeText("first");
        });
        assertEquals(List.of(OutputMarker.FILE_NAME, "a.txt"), listing(out));
        assertEquals(Optional.of("distill"), OutputMarker.command(out));
        publish(out, "distill", true, "b.txt", "second");
        assertEquals(List.of(OutputMarker.FILE_NAME, "b.txt"), listing(out), "replaced whole");
        assertEquals(List.of("out"), listing(place.root()), "nothing staged or set aside is left beside it");
    }

    @ParameterizedTest
    @MethodSource("places")
    void withoutOverwriteAnExistingOutputIsRefusedBeforeTheWriterRuns(Place place) {
        StoragePath out = place.at("out");
        publish(out, "distill", false, "a.txt", "kept");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PublishedOutput.publish(out,
                "distill", false, d -> {
                    throw new AssertionError("the writer must not run");
                }));
        assertEquals("output " + out.describe() + " already exists; give --overwrite (overwrite: true) to replace an"
                + " earlier output of 'distill', or choose another output", e.getMessage());
        assertEquals("kept", read(out.child("a.txt")));
        assertEquals(List.of("out"), listing(place.root()));
    }

    @ParameterizedTest
    @MethodSource("places")
    void withOverwriteOnlyAnEmptyDirectoryOrTheSameCommandsOutputIsReplaced(Place place) throws IOException {
        StoragePath foreign = place.at("foreign");
        foreign.child("notes.txt").writeText("mine");
        InvalidInputException notOurs = assertThrows(InvalidInputException.class,
                () -> publish(foreign, "distill", true, "x", ""));
        assertTrue(notOurs.getMessage().startsWith("output " + foreign.describe() + " cannot be replaced: it was not"
                + " written by spark-distill (it has no _SPARK_DISTILL_OUTPUT file)"), notOurs.getMessage());
        assertEquals(List.of("notes.txt"), listing(foreign));

        StoragePath prepared = place.at("prepared");
        publish(prepared, "prepare", false, "t", "table");
        InvalidInputException otherCommand = assertThrows(InvalidInputException.class,
                () -> publish(prepared, "distill", true, "x", ""));
        assertTrue(otherCommand.getMessage().contains("it was written by 'prepare', not by 'distill'"),
                otherCommand.getMessage());
        assertEquals("table", read(prepared.child("t")));

        StoragePath file = place.at("file");
        file.writeText("a file");
        InvalidInputException aFile = assertThrows(InvalidInputException.class,
                () -> publish(file, "distill", true, "x", ""));
        assertTrue(aFile.getMessage().startsWith("output " + file.describe() + " is an existing file, not a directory"),
                aFile.getMessage());
        assertEquals("a file", read(file));

        StoragePath empty = place.at("empty");
        empty.mkdirs();
        publish(empty, "distill", true, "x", "new");
        assertEquals("new", read(empty.child("x")));
        assertEquals(List.of("empty", "file", "foreign", "prepared"), listing(place.root()), "nothing staged is left");
    }

    @ParameterizedTest
    @MethodSource("places")
    void anOutputLeftHalfPublishedIsReplaceableOnlyByTheSameCommand(Place place) throws IOException {
        // What a run that died between the rename and the marker leaves: the data and the pending marker.
        StoragePath out = place.at("out");
        out.child(OutputMarker.PENDING_NAME).writeText("command=teacher-infer\n");
        out.child("logits").writeText("half");
        assertEquals(Optional.empty(), OutputMarker.command(out), "no reader takes it for complete");
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> publish(out, "distill", true, "x", ""));
        assertTrue(other.getMessage().contains("it was written by 'teacher-infer', not by 'distill'"),
                other.getMessage());
        publish(out, "teacher-infer", true, "logits", "whole");
        assertEquals(List.of(OutputMarker.FILE_NAME, "logits"), listing(out));
        assertEquals("whole", read(out.child("logits")));
    }

    @ParameterizedTest
    @MethodSource("places")
    void anOutputThatAppearsWhileTheWriterRunsIsNotReplaced(Place place) {
        StoragePath out = place.at("out");
        assertThrows(InvalidInputException.class, () -> PublishedOutput.publish(out, "distill", true, d -> {
            out.child("someone-else.txt").writeText("theirs");
            d.child("a.txt").writeText("ours");
        }));
        assertEquals("theirs", read(out.child("someone-else.txt")));
        assertEquals(List.of("out"), listing(place.root()));
    }

    @ParameterizedTest
    @MethodSource("places")
    void aFailingWriterLeavesTheEarlierOutputMarkedAndNoStaging(Place place) {
        StoragePath out = place.at("out");
        publish(out, "distill", false, "good.txt", "kept");
        assertThrows(IllegalStateException.class, () -> PublishedOutput.publish(out, "distill", true, d -> {
            d.child("half.txt").writeText("partial");
            throw new IllegalStateException("writer failed");
        }));
        assertEquals(List.of(OutputMarker.FILE_NAME, "good.txt"), listing(out));
        assertEquals(List.of("out"), listing(place.root()));

        StoragePath fresh = place.at("fresh");
        assertThrows(UncheckedIOException.class, () -> PublishedOutput.publish(fresh, "distill", false, d -> {
            throw new IOException("nothing written");
        }));
        assertFalse(fresh.exists(), "a failed first write leaves nothing");
        assertEquals(List.of("out"), listing(place.root()));
    }

    @ParameterizedTest
    @MethodSource("places")
    void aFileOutputAppearsWholeAndAFailingWriterLeavesTheEarlierFile(Place place) {
        StoragePath model = place.at("teacher.zip");
        PublishedOutput.publishFile(model, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        PublishedOutput.publishFile(model, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("second", read(model));
        assertThrows(UncheckedIOException.class, () -> PublishedOutput.publishFile(model, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("writer failed");
        }));
        assertEquals("second", read(model));
        assertEquals(List.of("teacher.zip"), listing(place.root()), "nothing is left beside it");
    }
}
