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
import org.sparkdistill.core.metrics.PeerMetrics;
import org.sparkdistill.core.metrics.PipelineMetrics;
import org.sparkdistill.core.metrics.StageTimes;

/**
 * The per-epoch metrics a checkpoint carries, as a small binary file: a header, then every field in declaration order
 * in {@link DataOutputStream}'s encoding (doubles bit for bit, NaN included).
 *
 * <p>Version 2 ({@code SDH2}) adds the bytes sent per step inside and across groups at the end of the communication
 * block and, after each epoch's pipeline block, the kept peer and every peer's held-out metrics (a count, then per
 * peer its position and four doubles). Version 1 ({@code SDH1}), written before peers existed, is
 * still read: its epochs have no peers.
 *
 * <p>Reading checks the header, bounds every count before allocating, and refuses a file that ends early or goes on
 * after the last epoch, so a truncated file is reported rather than half read. No classes are instantiated by name.
 */
final class EpochHistoryFile {
    static final String FILE = "history.bin";
    private static final int MAGIC_V1 = 0x53444831; // "SDH1"
    private static final int MAGIC = 0x53444832; // "SDH2"
    private static final int MAX_EPOCHS = 100_000;
    private static final int MAX_STAGES = 64;
    private static final int MAX_PEERS = 1_000;

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
            writePeers(m, out);
        }
        out.flush();
    }

    /** Reads a history written by {@link #write}; {@code source} names the file in errors. */
    static List<EpochMetrics> read(InputStream source, String where) {
        DataInputStream in = new DataInputStream(source);
        try {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new InvalidInputException("checkpoint history " + where + " does not start with the header of a"
                        + " spark-distill epoch history");
            }
            int epochs = count(in.readInt(), MAX_EPOCHS, "epochs", where);
            List<EpochMetrics> history = new ArrayList<>(epochs);
            for (int i = 0; i < epochs; i++) {
                EpochMetrics metrics = new EpochMetrics(in.readInt(), in.readLong(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                        readCommunication(in, magic == MAGIC), readPipeline(in, where));
                history.add(magic == MAGIC ? readPeers(metrics, in, where) : metrics);
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
        out.writeDouble(c.bytesSentPerStep());
        out.writeDouble(c.crossGroupBytesPerStep());
    }

    /** The communication block; version 2 adds the bytes sent per step inside and across groups. */
    private static CommunicationMetrics readCommunication(DataInputStream in, boolean version2) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        CommunicationMetrics metrics = new CommunicationMetrics(in.readLong(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readUTF(), in.readInt(), in.readDouble(), in.readDouble());
        return version2 ? metrics.withTraffic(in.readDouble(), in.readDouble()) : metrics;
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

    private static void writePeers(EpochMetrics m, DataOutputStream out) throws IOException {
        out.writeInt(m.peer());
        out.writeInt(m.peers().size());
        for (PeerMetrics peer : m.peers()) {
            out.writeInt(peer.peer());
            for (double value : new double[] {peer.accuracy(), peer.agreement(), peer.teacherKl(), peer.ece()}) {
                out.writeDouble(value);
            }
        }
    }

    /** {@code metrics} with the peers block that follows it; the kept peer's fields are those written before it. */
    private static EpochMetrics readPeers(EpochMetrics metrics, DataInputStream in, String where) throws IOException {
        int kept = in.readInt();
        int count = count(in.readInt(), MAX_PEERS, "peers", where);
        List<PeerMetrics> peers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            peers.add(new PeerMetrics(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
        }
        if (count == 0) {
            if (kept != 0) {
                throw new InvalidInputException("checkpoint history " + where + " keeps peer " + kept
                        + " of an epoch without peers");
            }
            return metrics;
        }
        if (peers.stream().noneMatch(peer -> peer.peer() == kept)) {
            throw new InvalidInputException("checkpoint history " + where + " keeps peer " + kept + ", which is not among"
                    + " its " + count + " peers");
        }
        return new EpochMetrics(metrics.epoch(), metrics.step(), metrics.trainLoss(), metrics.accuracy(),
                metrics.agreement(), metrics.teacherKl(), metrics.ece(), metrics.seconds(), metrics.communication(),
                metrics.pipeline(), kept, peers);
    }

    private static int count(int value, int max, String what, String where) {
        if (value < 0 || value > max) {
            throw new InvalidInputException("checkpoint history " + where + " gives " + value + " " + what
                    + "; valid range [0, " + max + "]");
        }
        return value;
    }
}
