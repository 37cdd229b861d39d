package org.sparkdistill.core.io;

import java.nio.file.Path;
import org.sparkdistill.core.InvalidInputException;

/**
 * Opens the model zip named by its argument as the jobs do, in a JVM of its own: exit status 0 when the network was
 * built, 2 with the message on standard output when the zip was refused.
 */
public final class ModelZipProbe {
    private ModelZipProbe() {}

    public static void main(String[] args) {
        try {
            ModelZip zip = ModelZip.read(Path.of(args[0]), "model file");
            Object network = zip.network();
            System.out.println("built " + network.getClass().getSimpleName());
            System.exit(0);
        } catch (InvalidInputException e) {
            System.out.println(e.getMessage());
            System.exit(2);
        }
    }
}
