package org.sparkdistill.core.nn;

/** Chooses the natives as a job's entry point does, loads them, and prints what loaded; run in a child JVM. */
public final class NativeBackendProbe {
    private NativeBackendProbe() {}

    public static void main(String[] args) {
        String asked = NativeBackend.select();
        System.out.println("asked=" + asked);
        System.out.println("loaded=" + NativeBackend.describe());
    }
}
