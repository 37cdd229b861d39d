package org.sparkdistill.gradients.collective;

/** The checks every transport applies to an incoming frame header before reading its payload. */
final class FrameCheck {
    private FrameCheck() {
    }

    /**
     * Refuses a frame whose length is negative or above the cap, whose tag differs from the expected
     * one, or whose length differs from the space the receiver set aside. Nothing is allocated from the
     * header, so a hostile length cannot make the receiver allocate memory.
     */
    static void accept(int rank, int peer, int tag, int length, int expectedTag, int expectedLength,
            int maxFrameBytes) {
        if (length < 0 || length > maxFrameBytes) {
            throw new CollectiveException("rank " + rank + ": rank " + peer + " sent a frame of "
                    + Integer.toUnsignedString(length) + " bytes; frames are limited to " + maxFrameBytes
                    + " bytes");
        }
        if (tag != expectedTag) {
            throw new CollectiveException("rank " + rank + ": rank " + peer + " sent a frame tagged "
                    + Tags.describe(tag) + " where " + Tags.describe(expectedTag)
                    + " was expected: the ranks are running different collectives");
        }
        if (length != expectedLength) {
            throw new CollectiveException("rank " + rank + ": rank " + peer + " sent a frame of " + length
                    + " bytes where " + expectedLength + " were expected (" + Tags.describe(tag)
                    + "): the ranks hold vectors of different lengths");
        }
    }

    /** Checks the size of an outgoing frame against the cap. */
    static void requireSendable(int rank, int to, int length, int maxFrameBytes) {
        if (length > maxFrameBytes) {
            throw new IllegalArgumentException("rank " + rank + ": a frame of " + length + " bytes to rank "
                    + to + " exceeds the " + maxFrameBytes + "-byte frame limit; send it in segments");
        }
    }
}
