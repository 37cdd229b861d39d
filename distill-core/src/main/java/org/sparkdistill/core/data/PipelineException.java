package org.sparkdistill.core.data;

/** A stage of a {@link Pipeline} failed; the message names the stage and what it was working on. */
public final class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    PipelineException(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    /** The name of the stage that failed. */
    public String stage() {
        return stage;
    }
}
