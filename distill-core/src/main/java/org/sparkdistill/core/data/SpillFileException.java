package org.sparkdistill.core.data;

/** A spill file that no longer holds what was written to it: truncated, extended or damaged. */
public final class SpillFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpillFileException(String message) {
        super(message);
    }
}
