package dev.apprentice.distill.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchLoaderTest {
    private static ImageSet numbered(int n) {
        byte[] px = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) px[i * 4 + p] = (byte) i;
            labels[i] = i % 3;
        }
        return new ImageSet("numbered", px, labels, 1, 2, 2, new String[] {"a", "b", "c"});
    }

    private static List<float[]> pass(ImageSet s, int batch, boolean shuffle, Augmentation aug, long seed) {
        List<float[]> out = new ArrayList<>();
        Normalization norm = new Normalization(new float[] {0f}, new float[] {1f / 255f});
        try (BatchLoader l = new BatchLoader(s, batch, shuffle, aug, norm, seed)) {
            for (Batch b : l) out.add(b.images().data());
        }
        return out;
    }

    @Test
    void everyImageOnceInBatchesWithARaggedLastOne() {
        List<float[]> batches = pass(numbered(10), 4, true, null, 3);
        assertEquals(3, batches.size());
        assertEquals(2 * 4, batches.get(2).length);
        Set<Float> seen = new HashSet<>();
        for (float[] b : batches) for (int i = 0; i < b.length; i += 4) seen.add(b[i]);
        assertEquals(10, seen.size());
    }

    @Test
    void sameSeedSameOrderOtherSeedOtherOrder() {
        ImageSet s = numbered(50);
        Augmentation aug = new Augmentation(1, true);
        List<float[]> a = pass(s, 8, true, aug, 5), b = pass(s, 8, true, aug, 5), c = pass(s, 8, true, aug, 6);
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i));
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) differs |= !java.util.Arrays.equals(a.get(i), c.get(i));
        assertTrue(differs, "another seed gives another order or augmentation");
    }

    @Test
    void normalizationUsesTrainingStatistics() {
        ImageSet s = numbered(2); // pixel values 0 and 1
        Normalization n = Normalization.of(s);
        assertEquals(0.5 / 255, n.mean()[0], 1e-7);
        assertEquals(0.5 / 255, n.std()[0], 1e-7);
    }

    @Test
    void cropShiftsWithZeroPaddingAndFlipMirrors() {
        float[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // 3×3
        Augmentation flipOnly = new Augmentation(0, true);
        var rng = new java.util.SplittableRandom(0);
        float[] work = img.clone();
        while (java.util.Arrays.equals(work, img)) {
            work = img.clone();
            flipOnly.apply(work, 0, 1, 3, 3, new float[] {0}, rng, new float[9]);
        }
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, work);
    }
}
