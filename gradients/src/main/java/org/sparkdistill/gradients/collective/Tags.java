package org.sparkdistill.gradients.collective;

/** Frame tags: which collective a frame belongs to, so ranks running different collectives are caught. */
final class Tags {
    static final int ALL_REDUCE = 1;
    static final int BROADCAST = 2;
    static final int ALL_GATHER = 3;
    static final int BARRIER = 4;
    /** A frame without payload that says "alive, busy with local work"; never part of a collective. */
    static final int HEARTBEAT = 5;

    private static final String[] NAMES = {"tag 0", "all-reduce", "broadcast", "all-gather", "barrier", "heartbeat"};

    private Tags() {
    }

    static String describe(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : "tag " + tag;
    }
}
