package org.sparkdistill.gradients.collective;

/**
 * A collective operation or a connection between ranks failed: a peer closed its connection, sent a
 * frame that does not fit what this rank expected, failed the handshake, or went silent for longer
 * than the timeout. The message names this rank, the peer and what was expected.
 */
public final class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveException(String message) {
        super(message);
    }

    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
