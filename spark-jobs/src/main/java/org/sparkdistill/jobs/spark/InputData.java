package org.sparkdistill.jobs.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;

/**
 * Resolves a data path to what the jobs train and evaluate on: an IDX directory (Fashion-MNIST layout) or a Parquet
 * directory written by {@code prepare}, whose rows are checked by {@link TableChecks#requireValidRows} before use.
 */
public final class InputData {
    private InputData() {}

    /** A table of examples and what it holds. */
    public record Table(Dataset<Row> rows, DatasetInfo info, String source) {}

    /**
     * The training table at {@code path}, cut to its first {@code limit} rows by id when {@code limit > 0}.
     *
     * @throws InvalidInputException naming the path when it is neither an IDX nor a prepared Parquet directory
     */
    public static Table train(SparkSession spark, String path, int limit) {
        Path dir = Path.of(path);
        if (FashionMnist.isIdxDirectory(dir)) {
            Examples train = FashionMnist.train(dir);
            if (limit > 0) {
                train = train.head(Math.min(limit, train.size()));
            }
            return new Table(ExampleFrames.toFrame(spark, train), infoOf(train), dir.toString());
        }
        DatasetInfo info = requirePrepared(dir, "data.train");
        Dataset<Row> rows = spark.read().parquet(path);
        ExampleFrames.requireSchema(rows.schema(), path);
        if (limit > 0) {
            rows = rows.orderBy(ExampleFrames.ID).limit(limit);
        }
        TableChecks.requireValidRows(rows, info.featureCount(), info.numClasses(), "data.train = " + path);
        long count = limit > 0 ? Math.min(limit, info.rows()) : info.rows();
        return new Table(rows, new DatasetInfo(info.shape(), info.numClasses(), count), path);
    }

    /**
     * The held-out examples: {@code testPath} when given, else the test half of an IDX training directory.
     *
     * @throws InvalidInputException when no test data can be found
     */
    public static Examples test(SparkSession spark, String trainPath, String testPath) {
        if (testPath == null) {
            if (!FashionMnist.isIdxDirectory(Path.of(trainPath))) {
                throw new InvalidInputException("data.test is not set and data.train = " + Excerpt.of(trainPath)
                        + " is not an IDX directory with test files; set data.test to a prepared Parquet directory");
            }
            return FashionMnist.test(Path.of(trainPath));
        }
        Path dir = Path.of(testPath);
        if (!Files.exists(dir.resolve(DatasetInfo.FILE_NAME))) {
            return FashionMnist.test(dir);
        }
        DatasetInfo info = requirePrepared(dir, "data.test");
        Dataset<Row> rows = spark.read().parquet(testPath);
        ExampleFrames.requireSchema(rows.schema(), testPath);
        TableChecks.requireValidRows(rows, info.featureCount(), info.numClasses(), "data.test = " + testPath);
        return ExampleFrames.fromRows(dir.getFileName().toString(), rows.orderBy(ExampleFrames.ID).toLocalIterator(),
                info.shape(), info.numClasses());
    }

    public static DatasetInfo infoOf(Examples examples) {
        return new DatasetInfo(examples.shape(), examples.numClasses(), examples.size());
    }

    private static DatasetInfo requirePrepared(Path dir, String key) {
        if (!Files.exists(dir)) {
            throw new InvalidInputException(key + " = " + Excerpt.of(dir) + ": no such file or directory");
        }
        if (Files.isRegularFile(dir)) {
            throw new InvalidInputException(key + " = " + Excerpt.of(dir) + " is a file; jobs read an IDX directory or a Parquet "
                    + "directory written by 'prepare' (convert CSV files with 'spark-distill prepare' first)");
        }
        return DatasetInfo.readFrom(dir);
    }
}
