package org.sparkdistill.gradients.collective;

/** Frame tags: which collective a frame belongs to, so ranks running different collectives are caught. */
final class Tags {
    static final int ALL_REDUCE = 1;
    static final int BROADCAST = 2;
    static final int ALL_GATHER = 3;
    static final int BARRIER = 4;

    private static final String[] NAMES = {"tag 0", "all-reduce", "broadcast", "all-gather", "barrier"};

    private Tags() {
    }

    static String describe(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : "tag " + tag;
    }
}
