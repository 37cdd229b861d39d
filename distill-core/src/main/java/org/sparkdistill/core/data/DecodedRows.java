package org.sparkdistill.core.data;

/**
 * The rows of one batch read out of the shard: row-major features and a class per row, on the heap.
 *
 * @param request the batch these rows make up
 * @param features {@code rows × D} values
 * @param labels the class of each row
 */
public record DecodedRows(BatchRequest request, float[] features, int[] labels) {
    @Override
    public String toString() {
        return request.toString();
    }
}
