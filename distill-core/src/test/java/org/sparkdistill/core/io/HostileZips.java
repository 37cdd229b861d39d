package org.sparkdistill.core.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Model zips taken apart and put together again with hostile entries, for the tests of {@link ModelZip}'s users. */
public final class HostileZips {
    private HostileZips() {}

    /** The entries of a zip by name, in order; of a name that occurs twice, the later entry. */
    public static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** A zip of {@code entries}, in order; ZipOutputStream refuses a name given twice. */
    @SafeVarargs
    public static byte[] zip(Map.Entry<String, byte[]>... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The entries of {@code zip} followed by {@code extra}. */
    @SafeVarargs
    public static byte[] with(byte[] zip, Map.Entry<String, byte[]>... extra) throws IOException {
        List<Map.Entry<String, byte[]>> all = new ArrayList<>(entries(zip).entrySet());
        all.addAll(List.of(extra));
        @SuppressWarnings("unchecked")
        Map.Entry<String, byte[]>[] array = all.toArray(new Map.Entry[0]);
        return zip(array);
    }

    /**
     * A Java serialization stream holding one object of {@code className}, written byte by byte so that the class is
     * neither loaded nor initialised here: a class descriptor with serialVersionUID 1, no fields, no superclass.
     */
    public static byte[] serializedObjectOf(String className) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0xACED); // STREAM_MAGIC
            out.writeShort(5); // STREAM_VERSION
            out.writeByte(0x73); // TC_OBJECT
            out.writeByte(0x72); // TC_CLASSDESC
            out.writeUTF(className);
            out.writeLong(1L);
            out.writeByte(0x02); // SC_SERIALIZABLE
            out.writeShort(0); // no fields
            out.writeByte(0x78); // TC_ENDBLOCKDATA
            out.writeByte(0x70); // TC_NULL: no superclass descriptor
        }
        return bytes.toByteArray();
    }
}
