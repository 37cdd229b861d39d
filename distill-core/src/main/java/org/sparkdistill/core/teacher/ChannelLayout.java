package org.sparkdistill.core.teacher;

/** Where a model wants the channel axis of an image: before the spatial axes (PyTorch, DL4J) or after (TensorFlow). */
public enum ChannelLayout {
    /** Channels first: {@code [N, C, H, W]}, the order of the example rows spark-distill holds. */
    NCHW,
    /** Channels last: {@code [N, H, W, C]}. */
    NHWC
}
