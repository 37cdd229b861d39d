package org.sparkdistill.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdistill.core.InvalidInputException;

class IdxReaderTest {
    static final byte[] DATA = {1, 2, 3, 4, 5, 6};

    @TempDir
    Path dir;

    InvalidInputException refused(Path file, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        }
        return e;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void roundTripsCompressedAndRawFiles(boolean gzip) throws IOException {
        Path file = IdxFiles.write(dir.resolve("a.idx"), IdxFiles.idx(0x08, new int[] {2, 3}, DATA), gzip);
        IdxReader.IdxArray array = IdxReader.read(file);
        assertArrayEquals(new int[] {2, 3}, array.dims());
        assertArrayEquals(DATA, array.data());
    }

    @Test
    void refusesABadMagicNumber() throws IOException {
        byte[] content = IdxFiles.idx(0x08, new int[] {6}, DATA);
        content[1] = 7;
        refused(IdxFiles.write(dir.resolve("magic.idx"), content, false), "two zero bytes");
    }

    @Test
    void refusesAnUnsupportedType() throws IOException {
        refused(IdxFiles.write(dir.resolve("float.idx"), IdxFiles.idx(0x0D, new int[] {6}, DATA), false), "type 0x0d",
                "0x08");
    }

    @Test
    void recognisesGzipByItsMagicBytesNotItsName() throws IOException {
        Path compressed = IdxFiles.write(dir.resolve("plain-name.idx"), IdxFiles.idx(0x08, new int[] {6}, DATA), true);
        assertArrayEquals(DATA, IdxReader.read(compressed).data());
        Path raw = IdxFiles.write(dir.resolve("looks-compressed.gz"), IdxFiles.idx(0x08, new int[] {6}, DATA), false);
        assertArrayEquals(DATA, IdxReader.read(raw).data());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void refusesADimensionCountOutsideOneToFour(int rank) throws IOException {
        refused(IdxFiles.write(dir.resolve("rank.idx"), IdxFiles.idx(0x08, new int[rank], new byte[0]), false),
                "declares " + rank + " dimensions; expected 1 to 4");
    }

    @Test
    void refusesDimensionsWhoseProductOverflows() throws IOException {
        int big = Integer.MAX_VALUE;
        refused(IdxFiles.write(dir.resolve("huge.idx"), IdxFiles.idx(0x08, new int[] {big, big, big, big}, DATA), false),
                "more than the");
    }

    @Test
    void reportsAHeaderClaimingGigabytesAsTruncated() throws IOException {
        refused(IdxFiles.write(dir.resolve("claims.idx"), IdxFiles.idx(0x08, new int[] {46340, 46340}, DATA), true),
                "need 2147395600 data bytes but only 6");
    }

    @Test
    void refusesAFileEndingInsideTheHeader() throws IOException {
        byte[] content = IdxFiles.idx(0x08, new int[] {2, 3}, DATA);
        refused(IdxFiles.write(dir.resolve("header.idx"), Arrays.copyOf(content, 6), false), "truncated or corrupt");
    }

    @Test
    void refusesAZeroDimension() throws IOException {
        refused(IdxFiles.write(dir.resolve("zero.idx"), IdxFiles.idx(0x08, new int[] {0, 3}, new byte[0]), true),
                "dimension 0 = 0");
    }

    @Test
    void refusesATruncatedRawFileWithBothByteCounts() throws IOException {
        byte[] content = IdxFiles.idx(0x08, new int[] {2, 3}, DATA);
        refused(IdxFiles.write(dir.resolve("short.idx"), Arrays.copyOf(content, content.length - 2), false),
                "truncated", "need 6 data bytes", "only 4");
    }

    @Test
    void refusesATruncatedGzipStream() throws IOException {
        Path whole = IdxFiles.write(dir.resolve("whole.gz"), IdxFiles.idx(0x08, new int[] {2, 3}, DATA), true);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        refused(cut, "truncated");
    }

    @Test
    void refusesCorruptGzipData() throws IOException {
        Path whole = IdxFiles.write(dir.resolve("whole.gz"), IdxFiles.idx(0x08, new int[] {2, 3}, DATA), true);
        byte[] bytes = Files.readAllBytes(whole);
        // The gzip trailer's first four bytes are the CRC-32 of the uncompressed data.
        bytes[bytes.length - 8] ^= 0x01;
        refused(Files.write(dir.resolve("corrupt.gz"), bytes), "truncated or corrupt");
    }

    @Test
    void refusesTrailingBytes() throws IOException {
        byte[] content = IdxFiles.idx(0x08, new int[] {2, 2}, DATA);
        refused(IdxFiles.write(dir.resolve("long.idx"), content, false), "bytes after the 4 data bytes");
    }

    @Test
    void refusesAMissingFile() {
        refused(dir.resolve("absent.idx"), "does not exist");
        refused(dir, "is not a regular file");
    }
}
