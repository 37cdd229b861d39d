package org.sparkdistill.core.data;

/**
 * Which rows make up one training step's batch: the input pipeline's source item.
 *
 * @param step the global optimizer step, from 0
 * @param epoch the epoch, from 0
 * @param batch the batch within the epoch, from 0
 * @param rows positions of the batch's rows in the training shard
 */
public record BatchRequest(long step, int epoch, int batch, int[] rows) {
    @Override
    public String toString() {
        return "step " + step + " (epoch " + (epoch + 1) + ", batch " + (batch + 1) + ", " + rows.length + " rows)";
    }
}
