package org.sparkdistill.jobs.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.sparkdistill.core.InvalidInputException;

/**
 * Turns an image into features of shape {@code [channels, height, width]}, scaled to [0, 1]: an image file's bytes
 * (any format {@link ImageIO} reads: PNG, JPEG, GIF, BMP), or a row of Spark's image schema ({@code origin, height,
 * width, nChannels, mode, data}, the bytes in OpenCV's order: row by row, each pixel's channels as B, G, R and perhaps
 * A). An image that cannot be decoded becomes null.
 *
 * <p>Colour becomes grey as ITU-R BT.601 luma ({@code 0.299 R + 0.587 G + 0.114 B}); grey becomes colour by repeating
 * it; alpha is dropped. Colour output is in R, G, B order. The image is resized bilinearly, sampling at pixel
 * centres (as OpenCV's {@code INTER_LINEAR} does), when its size differs. Immutable and thread-safe.
 *
 * @param channels 1 (grey) or 3 (RGB)
 */
record ImagePixels(int channels, int height, int width) implements Serializable {
    private static final long serialVersionUID = 1L;

    ImagePixels {
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException("data.shape = [" + channels + ", " + height + ", " + width
                    + "]: images need 1 (grey) or 3 (RGB) channels first");
        }
    }

    /** Decodes image files' bytes. */
    UDF1<byte[], float[]> ofFiles() {
        return this::fromFile;
    }

    /** Decodes rows of Spark's image schema. */
    UDF1<Row, float[]> ofImageRows() {
        return this::fromImageRow;
    }

    private float[] fromFile(byte[] file) {
        BufferedImage image;
        try {
            image = file == null ? null : ImageIO.read(new ByteArrayInputStream(file));
        } catch (IOException | RuntimeException e) {
            // A damaged file; ExampleTables refuses these by name before any job uses the features.
            return null;
        }
        if (image == null) {
            return null;
        }
        int h = image.getHeight();
        int w = image.getWidth();
        boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && image.getRaster().getNumBands() == 1;
        // The same bytes Spark's image source makes: grey samples as they are, colour as B, G, R.
        byte[] data = new byte[h * w * (grey ? 1 : 3)];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                if (grey) {
                    data[p] = (byte) image.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = image.getRGB(x, y);
                    data[3 * p] = (byte) rgb;
                    data[3 * p + 1] = (byte) (rgb >> 8);
                    data[3 * p + 2] = (byte) (rgb >> 16);
                }
            }
        }
        return fromBytes(data, h, w, grey ? 1 : 3);
    }

    private float[] fromImageRow(Row image) {
        if (image == null) {
            return null;
        }
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h < 1 || w < 1 || n < 1 || data == null || data.length != (long) h * w * n) {
            // An undecodable file; ExampleTables refuses these by name before any job uses the features.
            return null;
        }
        return fromBytes(data, h, w, n);
    }

    private float[] fromBytes(byte[] data, int h, int w, int n) {
        float[][] planes = planes(data, h, w, n);
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            resize(planes[c], h, w, out, c * height * width);
        }
        return out;
    }

    /** The image's channels as planes of values in [0, 1]: grey, or R, G, B. */
    private float[][] planes(byte[] data, int h, int w, int n) {
        float[][] planes = new float[channels][h * w];
        for (int p = 0; p < h * w; p++) {
            float blue = (data[p * n] & 0xff) / 255f;
            float green = n >= 3 ? (data[p * n + 1] & 0xff) / 255f : blue;
            float red = n >= 3 ? (data[p * n + 2] & 0xff) / 255f : blue;
            if (channels == 1) {
                planes[0][p] = n >= 3 ? 0.299f * red + 0.587f * green + 0.114f * blue : blue;
            } else {
                planes[0][p] = red;
                planes[1][p] = green;
                planes[2][p] = blue;
            }
        }
        return planes;
    }

    /** Bilinear resampling of an {@code h × w} plane into {@code out} at {@code offset}, {@code height × width}. */
    private void resize(float[] plane, int h, int w, float[] out, int offset) {
        if (h == height && w == width) {
            System.arraycopy(plane, 0, out, offset, plane.length);
            return;
        }
        for (int y = 0; y < height; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / height - 0.5));
            int y0 = (int) sy;
            int y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / width - 0.5));
                int x0 = (int) sx;
                int x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                double top = plane[y0 * w + x0] * (1 - fx) + plane[y0 * w + x1] * fx;
                double bottom = plane[y1 * w + x0] * (1 - fx) + plane[y1 * w + x1] * fx;
                out[offset + y * width + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

}
