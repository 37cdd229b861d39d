package org.sparkdistill.jobs.spark;

import org.sparkdistill.core.InvalidInputException;

/** Tells apart, in a failed Spark job, a task that refused bad input from one that broke. */
public final class TaskFailures {
    private TaskFailures() {}

    /**
     * The bad-input error behind a failed job, if that is what failed it, else null. Spark passes a task's exception
     * on as the cause when it can; when it aborts a stage it may pass only the text, whose lines then include
     * {@code <class>: <message>}.
     */
    public static InvalidInputException badInput(Throwable e) {
        String marker = InvalidInputException.class.getName() + ": ";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidInputException invalid) {
                return invalid;
            }
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            int at = message.indexOf(marker);
            if (at >= 0) {
                int end = message.indexOf('\n', at);
                return new InvalidInputException(message.substring(at + marker.length(), end < 0 ? message.length() : end));
            }
        }
        return null;
    }
}
