package org.sparkdistill.jobs.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;

/**
 * Checks an example table with Spark queries before any training: rows that cannot be trained on, and ids that occur
 * more than once where rows are joined by id. Only the offending rows' ids and reasons, a few at most, come back to
 * the driver. Stateless and thread-safe.
 */
public final class TableChecks {
    /** How many offending rows a message names. */
    static final int ROWS_NAMED = 3;
    private static final String PROBLEM = "problem";
    private static final String COUNT = "count";

    private TableChecks() {}

    /**
     * Refuses a table with a row whose id, label or features are null, whose features are not {@code width} many or
     * include a null, NaN or infinite value, or whose label is outside {@code [0, numClasses)}.
     *
     * @param source the table as the configuration names it, e.g. "data.train = /data/train.parquet"
     * @throws InvalidInputException naming the source, how many rows are bad, and the first {@value #ROWS_NAMED} by id
     *     with what is wrong with each
     */
    public static void requireValidRows(Dataset<Row> rows, int width, int numClasses, String source) {
        requireValidRows(rows, width, numClasses, source, true);
    }

    /**
     * {@link #requireValidRows(Dataset, int, int, String)} for a table with labels, or, when {@code labelled} is
     * false, for an unlabeled one: every label must then be {@link Examples#UNLABELED}.
     */
    public static void requireValidRows(Dataset<Row> rows, int width, int numClasses, String source,
            boolean labelled) {
        Dataset<Row> bad = rows.select(col(ExampleFrames.ID), problem(width, numClasses, labelled).as(PROBLEM))
                .where(col(PROBLEM).isNotNull());
        long count = bad.count();
        if (count == 0) {
            return;
        }
        String first = bad.orderBy(col(ExampleFrames.ID).asc_nulls_first()).limit(ROWS_NAMED).collectAsList().stream()
                .map(row -> "id " + (row.isNullAt(0) ? "null" : row.getLong(0)) + ": " + row.getString(1))
                .collect(Collectors.joining("; "));
        throw new InvalidInputException(Excerpt.of(source) + ": " + count + (count == 1 ? " row" : " rows")
                + " cannot be trained on (" + (count == 1 ? "" : "the first by id: ") + first + "); every row needs an"
                + " id, " + width + " finite features and " + (labelled ? "a label in [0, " + (numClasses - 1) + "]"
                : "no label"));
    }

    /**
     * Refuses a table in which an id occurs in more than one row, before rows are joined to it by id.
     *
     * @param table the table as messages name it, e.g. "the soft-label cache table runs/cache/logits"
     * @throws InvalidInputException naming the table, the smallest duplicated id and how often it occurs
     */
    public static void requireUniqueIds(Dataset<Row> rows, String table) {
        Dataset<Row> repeated = rows.groupBy(col(ExampleFrames.ID)).count().where(col(COUNT).gt(1));
        List<Row> first = repeated.orderBy(col(ExampleFrames.ID).asc_nulls_first()).limit(1).collectAsList();
        if (first.isEmpty()) {
            return;
        }
        long ids = repeated.count();
        Row row = first.get(0);
        throw new InvalidInputException(Excerpt.of(table) + " has id " + (row.isNullAt(0) ? "null" : row.getLong(0))
                + " in " + row.getLong(1) + " rows" + (ids == 1 ? "" : " (and " + (ids - 1) + (ids == 2 ? " more id"
                : " more ids") + " in more than one row)") + "; rows are joined by id, so every id must occur once");
    }

    /** What is wrong with a row, or null when nothing is; the first problem found, in the order of the columns. */
    private static Column problem(int width, int numClasses, boolean labelled) {
        Column id = col(ExampleFrames.ID);
        Column features = col(ExampleFrames.FEATURES);
        Column label = col(ExampleFrames.LABEL);
        // 1-based position of the first null, NaN or infinite feature, 0 when there is none.
        Column firstBad = array_position(transform(features,
                x -> x.isNull().or(isnan(x)).or(abs(x).equalTo(lit(Float.POSITIVE_INFINITY)))), true);
        return when(id.isNull(), lit("id is null"))
                .when(features.isNull(), lit("features are null"))
                .when(size(features).notEqual(width), concat(lit("has "), size(features).cast("string"),
                        lit(" features but the dataset's shape needs " + width)))
                .when(firstBad.gt(0), concat(lit("features["), firstBad.minus(1).cast("string"), lit("] = "),
                        coalesce(element_at(features, firstBad.cast("int")).cast("string"), lit("null"))))
                .when(label.isNull(), lit(labelled ? "label is null" : "label is null (an unlabeled table has"
                        + " label " + Examples.UNLABELED + ")"))
                .when(labelled ? label.lt(0).or(label.geq(numClasses)) : label.notEqual(Examples.UNLABELED),
                        concat(lit("label "), label.cast("string"), lit(labelled ? " is outside [0, " + (numClasses - 1)
                                + "]" : " in an unlabeled table")));
    }
}
