package org.sparkdistill.jobs.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.jobs.spark.DatasetInfo;
import org.sparkdistill.jobs.spark.ExampleFrames;

/**
 * A checked table of examples, as {@link ExampleTables} makes it: rows of {@link ExampleFrames#SCHEMA} and what they
 * hold.
 *
 * @param rows id, features and label of every example; label {@link Examples#UNLABELED} on every row of a table
 *     without labels
 * @param info the example shape, the class count and the row count
 * @param labels the label index when the labels were strings, else null
 * @param labelled false when the table has no label column (an unlabeled transfer set)
 * @param hasIds false when the table has no id column and its rows were numbered by position
 * @param source the table as the configuration names it, e.g. "data.train = /data/train.parquet"
 */
public record ExampleTable(Dataset<Row> rows, DatasetInfo info, LabelIndex labels, boolean labelled, boolean hasIds,
                           String source) {
    /**
     * Refuses a table without an id column, for a use that joins rows by id.
     *
     * @param use what joins the rows, e.g. "the soft-label cache (cache.path)"
     * @param idKey the setting that names the id column and the column it names
     * @throws InvalidInputException naming the table, the use and how to add an id
     */
    public void requireIds(String use, String idKey) {
        if (!hasIds) {
            throw new InvalidInputException(source + " has no id column (" + idKey + "), but " + use + " joins rows"
                    + " by id, which must stay the same from one run to the next; add a column of unique integers to"
                    + " the table (e.g. with 'spark-distill prepare', which writes one, or Spark's"
                    + " monotonically_increasing_id() when the table is written) and name it with data.id");
        }
    }

    /** Collects the rows on the driver, ordered by id, as examples named by the source. */
    public Examples collect() {
        return ExampleFrames.fromRows(source, rows.orderBy(ExampleFrames.ID).toLocalIterator(), info.shape(),
                info.numClasses());
    }
}
