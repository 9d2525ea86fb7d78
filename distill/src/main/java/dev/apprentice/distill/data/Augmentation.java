package dev.apprentice.distill.data;

import java.util.SplittableRandom;

/**
 * Random crop after zero-padding (in normalized units the pad value is the image's black, i.e.
 * what the padded pixel 0 normalizes to) and random horizontal flip, applied in place to one
 * normalized C×H×W image.
 */
public record Augmentation(int cropPadding, boolean horizontalFlip) {
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (cropPadding < 0) throw new IllegalArgumentException("crop padding must be >= 0, got " + cropPadding);
    }

    public boolean active() {
        return cropPadding > 0 || horizontalFlip;
    }

    /** Shifts img (C×h×w at offset) by a random crop offset and maybe mirrors it; scratch ≥ h·w. */
    void apply(float[] img, int offset, int c, int h, int w, float[] padValue, SplittableRandom rng, float[] scratch) {
        int dy = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
        int dx = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
        boolean flip = horizontalFlip && rng.nextBoolean();
        if (dy == 0 && dx == 0 && !flip) return;
        for (int ch = 0; ch < c; ch++) {
            int o = offset + ch * h * w;
            System.arraycopy(img, o, scratch, 0, h * w);
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    img[o + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? scratch[sy * w + sx] : padValue[ch];
                }
            }
        }
    }
}
