package org.sparkdistill.core.teacher.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdistill.core.InvalidInputException;

/**
 * One ONNX Runtime session per model per JVM, shared by every teacher that loads the same model bytes with the same
 * appended outputs, and closed when the last of them closes.
 *
 * <p>Spark runs several tasks in one executor JVM; each builds its own teacher, and a session per task would hold the
 * model's weights and ORT's thread pool once per task. {@code OrtSession.run} is thread-safe, so the tasks share one.
 * A session's intra-op threads are the count its first user asks for; inter-op threads are 1 and graph optimisation
 * is {@code ALL}. Where ONNX Runtime offers the CUDA execution provider (the {@code onnxruntime_gpu} build) and can
 * load it, sessions use it. Thread-safe.
 */
final class OnnxSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);
    private static final OnnxSessions SHARED = new OnnxSessions();

    private final Map<Key, Entry> sessions = new HashMap<>();
    /** Whether sessions use CUDA; null until the first session is made. */
    private Boolean cuda;

    private OnnxSessions() {}

    /** The registry of this JVM. */
    static OnnxSessions shared() {
        return SHARED;
    }

    /** A model, by the SHA-256 of its file's bytes, with the node outputs appended to its graph outputs. */
    private record Key(String sha256, List<String> appended) {}

    private static final class Entry {
        final OrtSession session;
        final OrtSession.SessionOptions options;
        int users;

        Entry(OrtSession session, OrtSession.SessionOptions options) {
            this.session = session;
            this.options = options;
        }
    }

    /**
     * A use of a shared session; closing it (once is enough, more is harmless) gives the session up.
     * Thread-safe.
     */
    final class Lease implements AutoCloseable {
        private final Key key;
        private final OrtSession session;
        private boolean closed;

        private Lease(Key key, OrtSession session) {
            this.key = key;
            this.session = session;
        }

        OrtSession session() {
            return session;
        }

        @Override
        public void close() {
            synchronized (OnnxSessions.this) {
                if (!closed) {
                    closed = true;
                    release(key);
                }
            }
        }
    }

    /**
     * The session of the model whose file has hash {@code sha256}, with {@code appended} added to its graph outputs;
     * made from {@code model} when no teacher in the JVM holds it.
     *
     * @param threads the intra-op thread count, if this call makes the session
     * @param origin the model file's location, for messages
     * @throws InvalidInputException naming the file when ONNX Runtime refuses the model
     */
    synchronized Lease open(String sha256, List<String> appended, Supplier<byte[]> model, int threads, String origin) {
        if (threads < 1) {
            throw new InvalidInputException("teacher model file " + origin + ": thread count = " + threads
                    + ", must be ≥ 1");
        }
        Key key = new Key(sha256, List.copyOf(appended));
        Entry entry = sessions.get(key);
        if (entry == null) {
            entry = create(model.get(), threads, origin);
            sessions.put(key, entry);
        }
        entry.users++;
        return new Lease(key, entry.session);
    }

    private Entry create(byte[] model, int threads, String origin) {
        OrtSession.SessionOptions options = options(threads);
        try {
            return new Entry(OrtEnvironment.getEnvironment().createSession(model, options), options);
        } catch (OrtException e) {
            options.close();
            throw new InvalidInputException("teacher model file " + origin + " is not a model ONNX Runtime can load: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Options with CUDA when ONNX Runtime offers it and can load it. The GPU build offers CUDA everywhere, but loads
     * it only where the CUDA and cuDNN libraries it was built for are installed; elsewhere its teachers run on the CPU,
     * as ONNX Runtime's Python API does.
     */
    private OrtSession.SessionOptions options(int threads) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (cuda == null) {
                cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
            }
            if (cuda) {
                try {
                    options.addCUDA();
                } catch (OrtException e) {
                    cuda = false;
                    LOG.warn("ONNX Runtime offers CUDA but cannot load it, so ONNX teachers run on the CPU: {}",
                            e.getMessage());
                    options.close();
                    return options(threads);
                }
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new IllegalStateException("ONNX Runtime refused session options (" + threads + " threads)", e);
        }
    }

    private void release(Key key) {
        Entry entry = sessions.get(key);
        if (--entry.users == 0) {
            sessions.remove(key);
            try {
                entry.session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not close the session of model " + key, e);
            } finally {
                entry.options.close();
            }
        }
    }

    /** How many sessions are open in this JVM. */
    synchronized int openSessions() {
        return sessions.size();
    }

    /** How many teachers use the session of {@code sha256} with {@code appended} outputs; 0 when none is open. */
    synchronized int users(String sha256, List<String> appended) {
        Entry entry = sessions.get(new Key(sha256, List.copyOf(appended)));
        return entry == null ? 0 : entry.users;
    }
}
