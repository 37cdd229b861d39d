package org.sparkdistill.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Collects a shard row by row, in memory while its rows fit a byte budget, and on local disk once they would not.
 *
 * <p>A row costs {@code 4 × (D + 1)} bytes (float32 features, int32 label). Rows are kept in memory, in chunks of
 * about {@value #CHUNK_BYTES} bytes allocated only as far as the budget allows, until the next row would exceed the
 * budget; the builder then writes the rows it holds, and every later row, to a {@link SpillFile} in the spill
 * directory, and lets the chunks go. The heap it holds thus never exceeds the budget, plus one block of
 * {@link ShuffleOrder#blockRows()} rows off the heap while writing. A budget below one row spills every row.
 *
 * <p>{@link #build()} hands the rows over as a {@link Shard}, which then owns the spill file; closing a builder that
 * has not built (because collecting failed) deletes the file. Not thread-safe.
 */
public final class ShardBuilder implements AutoCloseable {
    /**
     * About how many bytes each in-memory chunk holds: below half of G1's smallest region (1 MiB), so that no chunk is a
     * humongous object, which would take a whole region however much of it the chunk fills.
     */
    static final int CHUNK_BYTES = 256 << 10;

    private final String name;
    private final int[] shape;
    private final int numClasses;
    private final ShuffleOrder order;
    private final Path spillDirectory;
    private final int width;
    private final long memoryRows;
    private final int chunkRows;
    private final List<float[]> featureChunks = new ArrayList<>();
    private final List<int[]> labelChunks = new ArrayList<>();
    private long allocatedRows;
    private int rows;
    /** The position of the first row added without a label, or -1. */
    private long firstUnlabeled = -1;
    private SpillFile spill;
    private boolean built;

    /**
     * @param name what the shard is, for messages
     * @param shape the shape of one row's features
     * @param numClasses the number of classes, ≥ 2
     * @param order the order the shard's epochs visit its rows in; its block size is the spill file's
     * @param memoryBudget the bytes of rows to hold in memory at most, ≥ 0
     * @param spillDirectory a local directory for the spill file, used only if the rows exceed the budget
     */
    public ShardBuilder(String name, int[] shape, int numClasses, ShuffleOrder order, long memoryBudget,
            Path spillDirectory) {
        if (shape == null || shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
            throw new InvalidInputException(name + ": row shape " + Arrays.toString(shape)
                    + " must have at least one dimension, all > 0");
        }
        if (numClasses < 2) {
            throw new InvalidInputException(name + ": numClasses = " + numClasses + ": must be >= 2");
        }
        if (memoryBudget < 0) {
            throw new InvalidInputException(name + ": memory budget = " + memoryBudget + " bytes: must be >= 0");
        }
        this.name = name;
        this.shape = shape.clone();
        this.numClasses = numClasses;
        this.order = order;
        this.spillDirectory = spillDirectory;
        this.width = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b));
        long rowBytes = SpillFile.recordBytes(width);
        SpillFile.blockBytes(width, order.blockRows());
        this.memoryRows = Math.min(memoryBudget / rowBytes, Integer.MAX_VALUE);
        this.chunkRows = (int) Math.max(1, CHUNK_BYTES / rowBytes);
    }

    /** The bytes one row takes, in memory and in a spill file. */
    public long rowBytes() {
        return SpillFile.recordBytes(width);
    }

    /** The rows added so far. */
    public int rows() {
        return rows;
    }

    /** Whether the rows have gone to disk. */
    public boolean spilled() {
        return spill != null;
    }

    /**
     * Adds a row; its features are copied.
     *
     * @param features D values
     * @param label the row's class, in {@code [0, numClasses)}
     */
    public void add(float[] features, int label) {
        if (built) {
            throw new IllegalStateException(name + ": the shard has been built; no row can be added");
        }
        if (features.length != width) {
            throw new InvalidInputException(name + ": row " + rows + " has " + features.length
                    + " features but the shape " + Arrays.toString(shape) + " needs " + width);
        }
        Examples.requireLabel(name, rows, label, numClasses);
        if (label == Examples.UNLABELED && firstUnlabeled < 0) {
            firstUnlabeled = rows;
        }
        if (rows == Integer.MAX_VALUE) {
            throw new InvalidInputException(name + ": a shard holds at most " + Integer.MAX_VALUE + " rows");
        }
        if (spill == null && rows >= memoryRows) {
            spillHeldRows();
        }
        if (spill != null) {
            spill.append(features, 0, label);
        } else {
            int offset = rows % chunkRows;
            if (offset == 0) {
                int chunk = (int) Math.min(chunkRows, memoryRows - allocatedRows);
                featureChunks.add(new float[chunk * width]);
                labelChunks.add(new int[chunk]);
                allocatedRows += chunk;
            }
            System.arraycopy(features, 0, featureChunks.get(featureChunks.size() - 1), offset * width, width);
            labelChunks.get(labelChunks.size() - 1)[offset] = label;
        }
        rows++;
    }

    /** The shard of the rows added: in memory if they fit the budget, else spilled. The builder is then spent. */
    public Shard build() {
        if (built) {
            throw new IllegalStateException(name + ": the shard has already been built");
        }
        built = true;
        if (spill == null) {
            return new InMemoryShard(name, shape, numClasses, order, rows, firstUnlabeled, chunkRows, featureChunks,
                    labelChunks);
        }
        try {
            spill.finish();
        } catch (RuntimeException e) {
            spill.delete();
            throw e;
        }
        return new SpilledShard(name, shape, numClasses, order, firstUnlabeled, spill);
    }

    /** Deletes the spill file unless {@link #build()} has handed it to a shard. */
    @Override
    public void close() {
        featureChunks.clear();
        labelChunks.clear();
        if (spill != null && !built) {
            built = true;
            spill.delete();
        }
    }

    private void spillHeldRows() {
        if (spillDirectory == null) {
            throw new InvalidInputException(name + ": row " + rows + " exceeds the memory budget of " + memoryRows
                    + " rows and no spill directory was given");
        }
        spill = SpillFile.create(spillDirectory, width, order.blockRows());
        for (int r = 0; r < rows; r++) {
            spill.append(featureChunks.get(r / chunkRows), (r % chunkRows) * width, labelChunks.get(r / chunkRows)[r
                    % chunkRows]);
        }
        featureChunks.clear();
        labelChunks.clear();
    }
}
