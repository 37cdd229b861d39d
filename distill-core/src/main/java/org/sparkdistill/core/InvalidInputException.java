package org.sparkdistill.core;

/**
 * A user-supplied input (a file, a configuration value, a model, a tensor shape) is unusable.
 *
 * <p>The message always names what was wrong and where: the file or key, the value found, and what
 * was expected. Code that throws it has written nothing that could be taken for valid output.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
