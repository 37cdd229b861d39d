package org.sparkdistill.jobs.cache;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.sparkdistill.jobs.spark.ExampleFrames;

/**
 * What a dataset holds, in a form that does not depend on the order or partitioning of its rows: the row count, and
 * the XOR and the sum of Spark SQL's {@code xxhash64(id, features, label)} over all rows.
 *
 * <p>The XOR alone would let two equal rows cancel each other; the sum, taken exactly as a decimal, does not. Spark
 * computes both, so the fingerprint is the same on every run and every cluster for the same rows.
 *
 * @param rows the number of rows
 * @param xor the XOR of the rows' hashes, 16 lower-case hex digits
 * @param sum the sum of the rows' hashes (signed 64-bit values), in decimal
 */
public record DatasetFingerprint(long rows, String xor, String sum) implements Serializable {
    /** The fingerprint of a table with the columns {@code id}, {@code features} and {@code label}. */
    public static DatasetFingerprint of(Dataset<Row> table) {
        Row totals = table.select(xxhash64(col(ExampleFrames.ID), col(ExampleFrames.FEATURES), col(ExampleFrames.LABEL))
                        .as("h"))
                .agg(count(lit(1)), expr("bit_xor(h)"), functions.sum(col("h").cast(DataTypes.createDecimalType(38, 0))))
                .first();
        long xor = totals.isNullAt(1) ? 0L : totals.getLong(1);
        BigDecimal total = totals.isNullAt(2) ? BigDecimal.ZERO : totals.getDecimal(2);
        return new DatasetFingerprint(totals.getLong(0), String.format(Locale.ROOT, "%016x", xor),
                total.toBigIntegerExact().toString());
    }

    @Override
    public String toString() {
        return rows + " rows, xxhash64 xor " + xor + ", sum " + sum;
    }
}
