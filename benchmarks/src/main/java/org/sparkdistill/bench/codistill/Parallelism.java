package org.sparkdistill.bench.codistill;

/** How the ranks of the codistillation benchmark share the training: the two contenders. */
enum Parallelism {
    /** All ranks on one ring train one student, averaging gradients every step. */
    PLAIN("plain"),
    /**
     * The ranks form groups, each on a ring of its own with a student of its own, which exchange parameters every so
     * many steps and learn from the other groups' stale copies (Anil et al., ICLR 2018).
     */
    CODISTILL("codistill");

    private final String label;

    Parallelism(String label) {
        this.label = label;
    }

    /** The contender's name in tables and files. */
    String label() {
        return label;
    }
}
