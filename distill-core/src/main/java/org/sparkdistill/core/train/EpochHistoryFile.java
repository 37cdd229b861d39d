package org.sparkdistill.core.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.CommunicationMetrics;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * The per-epoch metrics a checkpoint carries, as a small binary file: a header, then every field in declaration order
 * in {@link DataOutputStream}'s encoding (doubles bit for bit, NaN included).
 *
 * <p>Reading checks the header, bounds every count before allocating, and refuses a file that ends early or goes on
 * after the last epoch, so a truncated file is reported rather than half read. No classes are instantiated by name.
 */
final class EpochHistoryFile {
    static final String FILE = "history.bin";
    private static final int MAGIC = 0x53444831; // "SDH1"
    private static final int MAX_EPOCHS = 100_000;
    private static final int MAX_STAGES = 64;

    private EpochHistoryFile() {}

    static void write(List<EpochMetrics> history, OutputStream sink) throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        out.writeInt(MAGIC);
        out.writeInt(history.size());
        for (EpochMetrics m : history) {
            out.writeInt(m.epoch());
            out.writeLong(m.step());
            for (double value : new double[] {m.trainLoss(), m.accuracy(), m.agreement(), m.teacherKl(), m.ece(),
                    m.seconds()}) {
                out.writeDouble(value);
            }
            writeCommunication(m.communication(), out);
            writePipeline(m.pipeline(), out);
        }
        out.flush();
    }

    /** Reads a history written by {@link #write}; {@code source} names the file in errors. */
    static List<EpochMetrics> read(InputStream source, String where) {
        DataInputStream in = new DataInputStream(source);
        try {
            if (in.readInt() != MAGIC) {
                throw new InvalidInputException("checkpoint history " + where + " does not start with the header of a"
                        + " spark-distill epoch history");
            }
            int epochs = count(in.readInt(), MAX_EPOCHS, "epochs", where);
            List<EpochMetrics> history = new ArrayList<>(epochs);
            for (int i = 0; i < epochs; i++) {
                history.add(new EpochMetrics(in.readInt(), in.readLong(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), readCommunication(in),
                        readPipeline(in, where)));
            }
            if (in.read() != -1) {
                throw new InvalidInputException("checkpoint history " + where + " goes on after its " + epochs
                        + " epochs");
            }
            return history;
        } catch (EOFException e) {
            throw new InvalidInputException("checkpoint history " + where + " is truncated", e);
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint history " + where + " is unreadable: " + e, e);
        }
    }

    private static void writeCommunication(CommunicationMetrics c, DataOutputStream out) throws IOException {
        out.writeBoolean(c != null);
        if (c == null) {
            return;
        }
        out.writeLong(c.steps());
        for (double value : new double[] {c.forwardSeconds(), c.backwardSeconds(), c.optimizerSeconds(),
                c.communicationSeconds(), c.communicationCpuSeconds(), c.exposedSeconds(), c.tailSeconds(),
                c.groupTailSeconds(), c.overlapRatio(), c.busBandwidthBytesPerSecond()}) {
            out.writeDouble(value);
        }
        out.writeUTF(c.plan());
        out.writeInt(c.planChanges());
        out.writeDouble(c.predictedTailSeconds());
        out.writeDouble(c.communicationPredictionError());
    }

    private static CommunicationMetrics readCommunication(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new CommunicationMetrics(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readUTF(), in.readInt(), in.readDouble(), in.readDouble());
    }

    private static void writePipeline(PipelineMetrics p, DataOutputStream out) throws IOException {
        out.writeBoolean(p != null);
        if (p == null) {
            return;
        }
        out.writeInt(p.depth());
        out.writeInt(p.stages().size());
        for (StageTimes stage : p.stages()) {
            out.writeUTF(stage.stage());
            out.writeLong(stage.items());
            out.writeDouble(stage.busySeconds());
            out.writeDouble(stage.inputStallSeconds());
            out.writeDouble(stage.outputStallSeconds());
        }
    }

    private static PipelineMetrics readPipeline(DataInputStream in, String where) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int depth = in.readInt();
        int count = count(in.readInt(), MAX_STAGES, "pipeline stages", where);
        if (count == 0) {
            throw new InvalidInputException("checkpoint history " + where + " has a pipeline block without stages");
        }
        List<StageTimes> stages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            stages.add(new StageTimes(in.readUTF(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble()));
        }
        return new PipelineMetrics(depth, stages);
    }

    private static int count(int value, int max, String what, String where) {
        if (value < 0 || value > max) {
            throw new InvalidInputException("checkpoint history " + where + " gives " + value + " " + what
                    + "; valid range [0, " + max + "]");
        }
        return value;
    }
}
