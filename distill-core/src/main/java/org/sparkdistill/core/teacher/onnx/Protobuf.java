package org.sparkdistill.core.teacher.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol buffer wire format, as far as reading an ONNX model's graph and appending outputs to it needs.
 *
 * <p>See: "Encoding", https://protobuf.dev/programming-guides/encoding/. Groups (wire types 3 and 4), deprecated since
 * proto2 and absent from onnx.proto, are refused as malformed.
 */
final class Protobuf {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private Protobuf() {}

    /**
     * One field record of a message.
     *
     * @param number the field number
     * @param wireType how the value is encoded
     * @param start where the record (tag included) begins in the message's bytes
     * @param valueStart where a length-delimited value's payload begins (after its length), else where the value begins
     * @param end where the record ends
     */
    record Field(int number, int wireType, int start, int valueStart, int end) {
        /** The payload of a length-delimited field as a string, UTF-8. */
        String string(byte[] bytes) {
            return new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
        }

        /**
         * The integers a field holds: one for a varint field, every one packed in a length-delimited field.
         *
         * @throws IllegalArgumentException for a field of another wire type, or a malformed packed payload
         */
        List<Long> varints(byte[] bytes) {
            if (wireType != VARINT && wireType != LENGTH_DELIMITED) {
                throw new IllegalArgumentException("field " + number + " at byte " + start + " holds no integers");
            }
            List<Long> values = new ArrayList<>();
            int[] at = {valueStart};
            while (at[0] < end) {
                values.add(varint(bytes, at, end));
                if (wireType == VARINT) {
                    break;
                }
            }
            return values;
        }
    }

    /**
     * The field records of the message held in {@code bytes[from, to)}, in the order they appear.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed message
     */
    static List<Field> fields(byte[] bytes, int from, int to) {
        List<Field> fields = new ArrayList<>();
        int[] at = {from};
        while (at[0] < to) {
            int start = at[0];
            long tag = varint(bytes, at, to);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (number < 1 || tag >>> 3 > 0x1fffffff) {
                throw new IllegalArgumentException("field number " + (tag >>> 3) + " at byte " + start);
            }
            int valueStart = at[0];
            switch (wireType) {
                case VARINT -> varint(bytes, at, to);
                case FIXED64 -> at[0] += 8;
                case FIXED32 -> at[0] += 4;
                case LENGTH_DELIMITED -> {
                    long length = varint(bytes, at, to);
                    valueStart = at[0];
                    if (length > to - valueStart) {
                        throw new IllegalArgumentException("field " + number + " at byte " + start + " is " + length
                                + " bytes long, past the message's end");
                    }
                    at[0] += (int) length;
                }
                default -> throw new IllegalArgumentException("wire type " + wireType + " at byte " + start);
            }
            if (at[0] > to) {
                throw new IllegalArgumentException("field " + number + " at byte " + start + " ends past the message");
            }
            fields.add(new Field(number, wireType, start, valueStart, at[0]));
        }
        return fields;
    }

    private static long varint(byte[] bytes, int[] at, int to) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= to) {
                throw new IllegalArgumentException("varint runs past the message's end at byte " + at[0]);
            }
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes before byte " + at[0]);
    }

    /** Writes a length-delimited field: its tag, the payload's length and the payload. */
    static void writeLengthDelimited(ByteArrayOutputStream out, int number, byte[] payload) {
        writeVarint(out, (long) number << 3 | LENGTH_DELIMITED);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
