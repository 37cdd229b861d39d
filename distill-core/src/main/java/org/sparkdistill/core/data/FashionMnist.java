package org.sparkdistill.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;

/**
 * Fashion-MNIST from its IDX files: 60,000 training and 10,000 test images of 28×28 grey pixels in 10 classes.
 *
 * <p>See: Xiao H., Rasul K., Vollgraf R. "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning
 * Algorithms", arXiv:1708.07747, 2017.
 *
 * <p>Each split is a pair of files, {@code <split>-images-idx3-ubyte} and {@code <split>-labels-idx1-ubyte}, where the
 * split is {@code train} or {@code t10k}; the gzip-compressed {@code .gz} name is preferred when both exist. Pixels
 * are scaled to [0, 1] and each example has shape {@code [1, height, width]}. Stateless and thread-safe.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int NUM_CLASSES = 10;
    /** The name of each class, indexed by label; unmodifiable. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {}

    /** The 60,000 training examples in {@code dir}, named "fashion-mnist train". */
    public static Examples train(Path dir) {
        return read(dir, "train", "fashion-mnist train");
    }

    /** The 10,000 test examples in {@code dir}, named "fashion-mnist test". */
    public static Examples test(Path dir) {
        return read(dir, "t10k", "fashion-mnist test");
    }

    /** True when {@code dir} holds the training images and labels. */
    public static boolean isIdxDirectory(Path dir) {
        return find(dir, "train-images-idx3-ubyte") != null && find(dir, "train-labels-idx1-ubyte") != null;
    }

    private static Examples read(Path dir, String split, String name) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("Fashion-MNIST directory " + dir + " does not exist; on Debian or Ubuntu, "
                    + "'apt-get install dataset-fashion-mnist' installs it under " + DEFAULT_DIR);
        }
        Path imagesFile = require(dir, split + "-images-idx3-ubyte");
        Path labelsFile = require(dir, split + "-labels-idx1-ubyte");
        IdxReader.IdxArray images = IdxReader.read(imagesFile);
        IdxReader.IdxArray labels = IdxReader.read(labelsFile);
        if (images.dims().length != 3) {
            throw new InvalidInputException("IDX file " + imagesFile + " has dimensions " + Arrays.toString(images.dims())
                    + "; images must be [count, height, width]");
        }
        if (labels.dims().length != 1) {
            throw new InvalidInputException("IDX file " + labelsFile + " has dimensions " + Arrays.toString(labels.dims())
                    + "; labels must be [count]");
        }
        if (images.dims()[0] != labels.dims()[0]) {
            throw new InvalidInputException("IDX files disagree on the example count: " + imagesFile + " has "
                    + images.dims()[0] + " images but " + labelsFile + " has " + labels.dims()[0] + " labels");
        }
        float[] pixels = new float[images.data().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (images.data()[i] & 0xff) / 255f;
        }
        int[] classes = new int[labels.data().length];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.data()[i] & 0xff;
            if (classes[i] >= NUM_CLASSES) {
                throw new InvalidInputException("IDX file " + labelsFile + " has label " + classes[i] + " at index " + i
                        + "; Fashion-MNIST labels are in [0, " + (NUM_CLASSES - 1) + "]");
            }
        }
        return new Examples(name, pixels, classes, new int[] {1, images.dims()[1], images.dims()[2]}, NUM_CLASSES);
    }

    private static Path require(Path dir, String stem) {
        Path file = find(dir, stem);
        if (file == null) {
            throw new InvalidInputException("Fashion-MNIST directory " + dir + " has no " + stem + ".gz (or " + stem + ")");
        }
        return file;
    }

    private static Path find(Path dir, String stem) {
        Path gz = dir.resolve(stem + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(stem);
        return Files.isRegularFile(raw) ? raw : null;
    }
}
