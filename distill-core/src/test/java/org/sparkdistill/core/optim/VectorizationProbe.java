package org.sparkdistill.core.optim;

/** Prints, one per line, what a JVM chooses, how tiles describe themselves there, and why the Vector API is refused. */
final class VectorizationProbe {
    private VectorizationProbe() {}

    public static void main(String[] args) {
        System.out.println(Vectorization.best());
        System.out.println(Vectorization.TILES.describe());
        try {
            Vectorization.VECTOR_API.requireAvailable();
            System.out.println("available");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }
}
