package org.sparkdistill.core.nn;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses ND4J's native build at start-up: the oneDNN build for AVX2 processors where the processor has AVX2, the
 * plain build otherwise; and lets DL4J's convolution and pooling layers run through libnd4j's native ops.
 *
 * <p>JavaCPP reads {@value #EXTENSION_PROPERTY} once, when ND4J first loads its natives. When the property is unset it
 * loads the first build of the preset's list it finds on the class path, without asking whether the processor can run
 * it, so with the oneDNN-AVX2 jar beside the plain one it would load that build on any processor. {@link #select()}
 * sets the property from the processor's flags; when the chosen build's library is missing, JavaCPP loads the plain
 * build instead. DL4J's {@code ConvolutionLayer} and {@code SubsamplingLayer} use their oneDNN helpers (libnd4j's
 * {@code conv2d}, {@code conv2d_bp}, {@code maxpool2d}, … ops) only when {@value #HELPERS_DISABLE_PROPERTY} is
 * {@code false} at the time the layer is built; {@link #select()} sets it so. A value the user set for either
 * property is kept.
 *
 * <p>Callers: every JVM that runs ND4J calls {@link #select()} before anything touches {@code Nd4j}; the command-line
 * entry point does on the driver, Spark's Kryo registrator does on executors. Thread-safe.
 */
public final class NativeBackend {
    /** JavaCPP's system property naming the build variant of the natives to load ({@code -onednn-avx2}, …). */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** DL4J's system property that keeps layers from creating their helpers; DL4J reads {@code true} when unset. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    /** The build variant for processors with AVX2 and FMA, with oneDNN. */
    public static final String ONEDNN_AVX2 = "-onednn-avx2";
    /** The plain build: JavaCPP takes an empty extension as "no variant". */
    public static final String PLAIN = "";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBackend.class);
    private static final String ONEDNN_PLATFORM = "linux-x86_64";

    private NativeBackend() {}

    /**
     * Sets the natives' build variant for this processor and lets DL4J's layers use native helpers, unless set already.
     *
     * <p>Has no effect on the natives once ND4J has loaded them; it then logs which build is in use.
     *
     * @return the extension this JVM asks JavaCPP for
     */
    public static synchronized String select() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        String asked = System.getProperty(EXTENSION_PROPERTY);
        if (nativesLoaded()) {
            if (asked == null) {
                LOG.warn("ND4J loaded its natives before NativeBackend.select(); they stay {}", loadedBuild());
            }
            return asked == null ? PLAIN : asked;
        }
        if (asked == null) {
            asked = extensionFor(Loader.getPlatform(), CpuFeatures.ofThisMachine());
            System.setProperty(EXTENSION_PROPERTY, asked);
        }
        return asked;
    }

    /** The build variant for a platform and processor: oneDNN-AVX2 on x86-64 Linux with AVX2 and FMA, else plain. */
    static String extensionFor(String platform, CpuFeatures cpu) {
        return ONEDNN_PLATFORM.equals(platform) && cpu.hasAvx2() ? ONEDNN_AVX2 : PLAIN;
    }

    /**
     * What ND4J loaded, for a run's provenance: the natives' build directory and what the library says it was built
     * with, e.g. {@code linux-x86_64-onednn-avx2 (oneDNN, native convolution helpers)}. Loads ND4J if it is not yet.
     */
    public static String describe() {
        Nd4j.getExecutioner();
        String build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        String engine = build.contains("HAVE_ONEDNN") ? "oneDNN"
                : build.contains("HAVE_CUDNN") ? "cuDNN" : build.contains("HAVE_OPENBLAS") ? "OpenBLAS" : "no BLAS";
        String helpers = helpersEngaged() ? "native convolution helpers" : "built-in convolution";
        return loadedBuild() + " (" + engine + ", " + helpers + ")";
    }

    /** Whether DL4J's convolution and pooling layers built from now on use their native helpers. */
    public static boolean helpersEngaged() {
        return "false".equalsIgnoreCase(System.getProperty(HELPERS_DISABLE_PROPERTY, "true"))
                && BaseMKLDNNHelper.mklDnnEnabled();
    }

    /** Whether JavaCPP has loaded one of ND4J's JNI libraries in this JVM. */
    private static boolean nativesLoaded() {
        return Loader.getLoadedLibraries().keySet().stream().anyMatch(name -> name.startsWith("jnind4j"));
    }

    /** The directory name of the loaded ND4J JNI library, which names its platform and build variant. */
    private static String loadedBuild() {
        for (Map.Entry<String, String> library : Loader.getLoadedLibraries().entrySet()) {
            if (library.getKey().startsWith("jnind4j") && library.getValue() != null) {
                Path parent = Path.of(library.getValue()).getParent();
                return parent == null ? library.getValue() : parent.getFileName().toString();
            }
        }
        return "unknown natives";
    }
}
