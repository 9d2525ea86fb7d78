package dev.apprentice.distill.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Decoding PNG/JPEG files to the CHW bytes of an {@link ImageSet}. */
public final class Images {
    private Images() {}

    public static BufferedImage read(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) throw new DataException("cannot decode image " + file + " (PNG or JPEG expected)");
        return img;
    }

    /** Whether img is grayscale: 8- or 16-bit gray (PNG), without colour. */
    static boolean isGray(BufferedImage img) {
        return img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY;
    }

    /** A gray pixel as 0-255: from the raster, not getRGB, which would convert linear gray to sRGB; 16-bit samples rounded to 8 bits. */
    private static int gray(BufferedImage img, int x, int y) {
        int v = img.getRaster().getSample(x, y, 0);
        return img.getType() == BufferedImage.TYPE_USHORT_GRAY ? (v + 128) / 257 : v;
    }

    /** Copies img into px at base as channels (1: gray, 3: RGB) planes of height × width bytes. */
    static void copyPixels(BufferedImage img, int channels, byte[] px, int base) {
        int h = img.getHeight(), w = img.getWidth();
        boolean gray = isGray(img);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                if (channels == 1) {
                    px[base + y * w + x] = (byte) (gray ? gray(img, x, y) : luma(img.getRGB(x, y)));
                } else if (gray) { // a gray image among colour ones: the same value in the three planes
                    byte v = (byte) gray(img, x, y);
                    px[base + y * w + x] = v;
                    px[base + h * w + y * w + x] = v;
                    px[base + 2 * h * w + y * w + x] = v;
                } else {
                    int rgb = img.getRGB(x, y);
                    px[base + y * w + x] = (byte) (rgb >> 16);
                    px[base + h * w + y * w + x] = (byte) (rgb >> 8);
                    px[base + 2 * h * w + y * w + x] = (byte) rgb;
                }
            }
    }

    /** One image as a single-image set of the given shape (gray images may feed RGB models and vice versa). */
    public static ImageSet single(Path file, int channels, int height, int width) {
        BufferedImage img = read(file);
        if (img.getHeight() != height || img.getWidth() != width)
            throw new DataException(file + " is " + img.getWidth() + "×" + img.getHeight() + "; the model takes " + width + "×" + height + " images");
        byte[] px = new byte[channels * height * width];
        copyPixels(img, channels, px, 0);
        return new ImageSet(file.getFileName().toString(), px, new int[] {0}, channels, height, width, new String[] {"?"});
    }

    private static int luma(int rgb) {
        return Math.round(0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff));
    }
}
