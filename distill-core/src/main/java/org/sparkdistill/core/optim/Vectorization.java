package org.sparkdistill.core.optim;

/**
 * How the fused update's loop becomes SIMD instructions.
 *
 * <p>The flat arrays live off-heap, and HotSpot's compiler does not vectorize loops over direct buffers. Two ways
 * around it: the JDK's Vector API (incubating in Java 17, module {@value #MODULE}) loads and stores the off-heap
 * elements as vectors directly; without that module, each stretch of the arrays is copied into on-heap arrays, where
 * HotSpot vectorizes the loop, and copied back. Both give the same bits. The copies cost time of their own: on the
 * build machine's AVX-512 processor the Vector API pass takes about two thirds of the copying pass's time.
 */
public enum Vectorization {
    /** Vector loads, arithmetic and stores over the flat arrays in place; needs {@code --add-modules=} {@value #MODULE}. */
    VECTOR_API,
    /** On-heap tiles that HotSpot vectorizes: copy in, apply, copy out; runs on any JVM. */
    TILES;

    /** The incubating module that holds the Vector API. */
    public static final String MODULE = "jdk.incubator.vector";

    /** The Vector API when this JVM resolved its module, else tiles. */
    public static Vectorization best() {
        return VECTOR_API.available() ? VECTOR_API : TILES;
    }

    /** Whether this JVM can run it: tiles always; the Vector API when started with its module. */
    public boolean available() {
        return this == TILES || ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** For a run's provenance, e.g. {@code Vector API, 16 float lanes}, or what to add to use the Vector API. */
    public String describe() {
        if (this == TILES) {
            return VECTOR_API.available() ? "auto-vectorized tiles"
                    : "auto-vectorized tiles (--add-modules=" + MODULE + " would use the Vector API)";
        }
        requireAvailable();
        return "Vector API, " + VectorKernels.lanes() + " float lanes";
    }

    /** @throws IllegalStateException when this JVM cannot run it, naming the option that would let it */
    void requireAvailable() {
        if (!available()) {
            throw new IllegalStateException("the fused update's " + this + " needs the JVM option --add-modules="
                    + MODULE + " (in spark.driver.extraJavaOptions and spark.executor.extraJavaOptions under Spark)");
        }
    }
}
