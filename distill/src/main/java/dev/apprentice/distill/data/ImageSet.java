package dev.apprentice.distill.data;

/**
 * Labelled images held in memory as unsigned bytes, N×C×H×W, with the class names. Bytes keep
 * a 60,000-image set at 47 MB; batches convert to normalized floats on the fly.
 */
public record ImageSet(String name, byte[] pixels, int[] labels, int channels, int height, int width, String[] classNames) {

    public ImageSet {
        int n = labels.length;
        long expected = (long) n * channels * height * width;
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException(name + ": bad image shape " + channels + "×" + height + "×" + width);
        if (pixels.length != expected)
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + n + " images of " + channels + "×" + height + "×" + width);
        for (int i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= classNames.length)
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i + " is outside [0, " + classNames.length + ")");
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classNames.length;
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The images at the given indices, in that order. */
    public ImageSet subset(int[] indices, String newName) {
        int sz = imageBytes();
        byte[] p = new byte[indices.length * sz];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * sz, p, i * sz, sz);
            l[i] = labels[indices[i]];
        }
        return new ImageSet(newName, p, l, channels, height, width, classNames);
    }
}
