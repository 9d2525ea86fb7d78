package dev.apprentice.engine.kernel;

/**
 * The plain twin of {@link Winograd}'s three steps: the same additions and fmas in the same order,
 * one channel at a time, so the vector steps are tested against it bit for bit. It runs them where
 * the JVM compiles no vector code, and takes the channels past the last whole vector.
 */
public final class WinogradScalar {
    private static final int POINTS = Winograd.POINTS, OUT = Winograd.OUT;

    private WinogradScalar() {}

    /** As {@link Winograd#input}. */
    public static void input(float[] x, int base, int rowStride, int ch, int perRow, int tiles, float[] v, int first, int count) {
        for (int t = 0; t < tiles; t++) {
            int at = base + t / perRow * OUT * rowStride + t % perRow * OUT * ch;
            inputChannels(x, at, rowStride, ch, 0, ch, v, (first + t) * ch, count * ch);
        }
    }

    /** Channels [c0, c1) of the patch whose top-left pixel is at x[at], into v[dst + p·plane + c]. */
    static void inputChannels(float[] x, int at, int rowStride, int ch, int c0, int c1, float[] v, int dst, int plane) {
        float[] d = new float[POINTS], t = new float[POINTS];
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) d[i * 4 + j] = x[at + i * rowStride + j * ch + c];
            for (int j = 0; j < 4; j++) {
                t[j] = d[j] - d[8 + j];
                t[4 + j] = d[4 + j] + d[8 + j];
                t[8 + j] = d[8 + j] - d[4 + j];
                t[12 + j] = d[4 + j] - d[12 + j];
            }
            for (int i = 0; i < 4; i++) {
                int r = i * 4, o = dst + c + r * plane;
                v[o] = t[r] - t[r + 2];
                v[o + plane] = t[r + 1] + t[r + 2];
                v[o + 2 * plane] = t[r + 2] - t[r + 1];
                v[o + 3 * plane] = t[r + 1] - t[r + 3];
            }
        }
    }

    /** As {@link Winograd#multiply}. */
    public static void multiply(float[] v, float[] u, int count, int ch, int width, float[] m) {
        for (int p = 0; p < POINTS; p++)
            for (int t = 0; t < count; t++)
                for (int o = 0; o < width; o++) {
                    float s = 0f;
                    for (int c = 0; c < ch; c++) s = Math.fma(v[(p * count + t) * ch + c], u[(p * ch + c) * width + o], s);
                    m[(p * count + t) * width + o] = s;
                }
    }

    /** As {@link Winograd#output}. */
    public static void output(float[] m, int count, int width, int perRow, float[] sums) {
        int plane = count * width, rowWidth = OUT * perRow * width;
        for (int t = 0; t < count; t++) {
            int dst = t / perRow * OUT * rowWidth + t % perRow * OUT * width;
            for (int o = 0; o < width; o++) {
                float[] q = new float[POINTS];
                for (int p = 0; p < POINTS; p++) q[p] = m[p * plane + t * width + o];
                float s00 = q[0] + q[4] + q[8], s01 = q[1] + q[5] + q[9], s02 = q[2] + q[6] + q[10], s03 = q[3] + q[7] + q[11];
                float s10 = q[4] - q[8] - q[12], s11 = q[5] - q[9] - q[13], s12 = q[6] - q[10] - q[14], s13 = q[7] - q[11] - q[15];
                int d = dst + o;
                sums[d] = s00 + s01 + s02;
                sums[d + width] = s01 - s02 - s03;
                sums[d + rowWidth] = s10 + s11 + s12;
                sums[d + rowWidth + width] = s11 - s12 - s13;
            }
        }
    }
}
