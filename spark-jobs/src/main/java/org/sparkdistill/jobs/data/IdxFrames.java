package org.sparkdistill.jobs.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.sparkdistill.core.Excerpt;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.data.IdxReader;
import org.sparkdistill.jobs.spark.ExampleFrames;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * An IDX split as a table of {@link ExampleFrames#SCHEMA}, read on the executors; the split is a pair of files in the
 * Fashion-MNIST layout, {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}.
 *
 * <p>The driver reads only the two headers. Each task opens both files through Hadoop's FileSystem, skips to the first
 * row of its range and decodes its rows: ids are row indices, pixels are scaled to [0, 1] ({@code b / 255}), and each
 * example has shape {@code [1, height, width]}. Stateless and thread-safe.
 */
final class IdxFrames {
    /** Rows one task decodes: about 6 MB of 28×28 images. */
    static final int ROWS_PER_TASK = 8192;

    private IdxFrames() {}

    /** An IDX split: its two files, its example count and its example shape. */
    record Split(String images, String labels, int count, int[] shape) implements java.io.Serializable {}

    /** True when {@code directory} holds the images and labels of {@code split} ("train" or "t10k"). */
    static boolean isIdxDirectory(String directory, String split, Configuration conf) {
        return find(directory, split + "-images-idx3-ubyte", conf) != null
                && find(directory, split + "-labels-idx1-ubyte", conf) != null;
    }

    /**
     * Reads the headers of {@code split} in {@code directory} on the driver.
     *
     * @param key the setting that names the directory, for messages
     * @throws InvalidInputException naming the file when either is missing, not an unsigned-byte IDX file, of the
     *     wrong rank, or when they disagree on the example count
     */
    static Split split(String directory, String split, Configuration conf, String key) {
        String images = require(directory, split + "-images-idx3-ubyte", conf, key);
        String labels = require(directory, split + "-labels-idx1-ubyte", conf, key);
        int[] imageDims = header(images, conf);
        int[] labelDims = header(labels, conf);
        if (imageDims.length != 3) {
            throw new InvalidInputException("IDX file " + images + " has dimensions " + Arrays.toString(imageDims)
                    + "; images must be [count, height, width]");
        }
        if (labelDims.length != 1) {
            throw new InvalidInputException("IDX file " + labels + " has dimensions " + Arrays.toString(labelDims)
                    + "; labels must be [count]");
        }
        if (imageDims[0] != labelDims[0]) {
            throw new InvalidInputException("IDX files disagree on the example count: " + images + " has "
                    + imageDims[0] + " images but " + labels + " has " + labelDims[0] + " labels");
        }
        return new Split(images, labels, imageDims[0], new int[] {1, imageDims[1], imageDims[2]});
    }

    /** The first {@code rows} examples of {@code split}, decoded by tasks of at most {@value #ROWS_PER_TASK} rows. */
    static Dataset<Row> read(SparkSession spark, Split split, int rows, Configuration conf) {
        List<long[]> ranges = new ArrayList<>();
        for (long start = 0; start < rows; start += ROWS_PER_TASK) {
            ranges.add(new long[] {start, Math.min(rows, start + ROWS_PER_TASK)});
        }
        JavaRDD<Row> decoded = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(ranges, Math.max(1, ranges.size()))
                .mapPartitions(new RangeReader(split, new SerializableConfiguration(conf)));
        return spark.createDataFrame(decoded, ExampleFrames.SCHEMA);
    }

    private static int[] header(String file, Configuration conf) {
        try (DataInputStream in = new DataInputStream(IdxReader.decompressing(StoragePath.of(file, conf).open()))) {
            return IdxReader.readHeader(in, file);
        } catch (EOFException | ZipException e) {
            throw new InvalidInputException("IDX file " + file + " is truncated or corrupt: " + Excerpt.of(e), e);
        } catch (IOException e) {
            throw new InvalidInputException("IDX file " + file + " cannot be read: " + Excerpt.of(e), e);
        }
    }

    private static String require(String directory, String stem, Configuration conf, String key) {
        String file = find(directory, stem, conf);
        if (file == null) {
            throw new InvalidInputException(key + " = " + Excerpt.of(directory) + ": the IDX directory has no " + stem
                    + ".gz (or " + stem + ")");
        }
        return file;
    }

    /** The gzip-compressed file when both exist, as Fashion-MNIST is distributed. */
    private static String find(String directory, String stem, Configuration conf) {
        StoragePath dir = StoragePath.of(directory, conf);
        StoragePath gz = dir.child(stem + ".gz");
        if (gz.isFile()) {
            return gz.uri();
        }
        StoragePath raw = dir.child(stem);
        return raw.isFile() ? raw.uri() : null;
    }

    /** Decodes the rows of the ranges in a partition, opening the files once per range. */
    private record RangeReader(Split split, SerializableConfiguration conf)
            implements FlatMapFunction<Iterator<long[]>, Row> {
        @Override
        public Iterator<Row> call(Iterator<long[]> ranges) throws IOException {
            List<Row> rows = new ArrayList<>();
            while (ranges.hasNext()) {
                decode(ranges.next(), rows);
            }
            return rows.iterator();
        }

        private void decode(long[] range, List<Row> rows) throws IOException {
            int width = split.shape()[1] * split.shape()[2];
            try (DataInputStream images = skipTo(split.images(), range[0] * width);
                    DataInputStream labels = skipTo(split.labels(), range[0])) {
                byte[] pixels = new byte[width];
                for (long id = range[0]; id < range[1]; id++) {
                    images.readFully(pixels);
                    float[] features = new float[width];
                    for (int i = 0; i < width; i++) {
                        features[i] = (pixels[i] & 0xff) / 255f;
                    }
                    rows.add(RowFactory.create(id, features, labels.readUnsignedByte()));
                }
            } catch (EOFException e) {
                throw new InvalidInputException("IDX file " + split.images() + " or " + split.labels()
                        + " is truncated: it ends before row " + (range[1] - 1) + " its header declares", e);
            }
        }

        private DataInputStream skipTo(String file, long offset) throws IOException {
            InputStream raw = StoragePath.of(file, conf.value()).open();
            DataInputStream in = new DataInputStream(IdxReader.decompressing(raw));
            try {
                IdxReader.readHeader(in, file);
                in.skipNBytes(offset);
                return in;
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }
    }
}
