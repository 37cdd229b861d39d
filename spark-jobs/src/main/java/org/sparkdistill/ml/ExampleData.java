package org.sparkdistill.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.jobs.config.DataConfig;
import org.sparkdistill.jobs.data.ExampleTables;

/**
 * Example tables as DataFrames of {@code id}, {@code features} (array&lt;float&gt;) and {@code label}, read as the
 * jobs read them: an IDX directory such as Debian's Fashion-MNIST, a {@code prepare} output, or Parquet with those
 * columns. For notebooks and programs that feed {@link DistillationEstimator}.
 */
public final class ExampleData {
    private ExampleData() {}

    /**
     * The first {@code limit} rows (0 for all) of the table at {@code path}; of an IDX directory, the files of
     * {@code split}, {@code "train"} or {@code "t10k"}.
     */
    public static Dataset<Row> read(SparkSession spark, String path, String split, int limit) {
        DataConfig data = DataConfig.of(path, null, null, null, null, null, null, null, 0, null);
        return ExampleTables.read(spark, new ExampleTables.Source("path", path, false, split), data,
                ExampleTables.Expected.of(data, null), limit).rows();
    }
}
