package org.sparkdistill.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdistill.core.InvalidInputException;

class BoundedTextTest {
    @TempDir
    Path dir;

    String refused(Path file, int maxBytes) {
        return assertThrows(InvalidInputException.class, () -> BoundedText.readUtf8(file, maxBytes, "test file"))
                .getMessage();
    }

    @Test
    void readsUtf8TextUpToTheCap() throws IOException {
        Path file = Files.writeString(dir.resolve("ok.txt"), "grüße");
        assertEquals("grüße", BoundedText.readUtf8(file, 7, "test file"));
        assertEquals("", BoundedText.readUtf8(Files.write(dir.resolve("empty"), new byte[0]), 0, "test file"));
    }

    @Test
    void aFileOneByteOverTheCapIsRefusedWithTheCap() throws IOException {
        Path file = Files.write(dir.resolve("big.txt"), new byte[1025]);
        assertEquals("test file " + file + " is larger than 1 KiB (1024 bytes), the most it may hold",
                refused(file, 1024));
        Path huge = Files.write(dir.resolve("huge.txt"), new byte[(1 << 20) + 1]);
        assertEquals("test file " + huge + " is larger than 1 MiB (1048576 bytes), the most it may hold",
                refused(huge, 1 << 20));
        assertEquals("test file " + file + " is larger than 100 bytes, the most it may hold", refused(file, 100));
    }

    @Test
    void aDeviceIsRefusedWithoutReadingIt() {
        String message = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(Path.of("/dev/zero"), 1 << 20));
        assertEquals("test file /dev/zero is not a regular file (a device, pipe or socket); give a file", message);
    }

    @Test
    void aMissingFileADirectoryAndMalformedUtf8AreRefusedByName() throws IOException {
        assertEquals("test file " + dir.resolve("absent") + " does not exist", refused(dir.resolve("absent"), 10));
        assertEquals("test file " + dir + " is a directory", refused(dir, 10));
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'a', (byte) 0xE9, 'b'});
        assertTrue(refused(latin1, 10).startsWith("test file " + latin1 + " cannot be read as UTF-8: "),
                refused(latin1, 10));
    }
}
