package org.sparkdistill.core.data;

/**
 * One stage of a {@link Pipeline}: turns each item from the stage before it into an item for the stage after it.
 *
 * <p>A stage runs on a thread of its own when the pipeline is on, so it must not share mutable state with the other
 * stages or with the consumer except through the items it passes on.
 */
@FunctionalInterface
public interface Stage<I, O> {
    O process(I item) throws Exception;
}
