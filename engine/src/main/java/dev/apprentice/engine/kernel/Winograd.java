package dev.apprentice.engine.kernel;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3×3, stride-1 convolution as Winograd F(2×2, 3×3) (Lavin and Gray, 2015) over channel-minor (NHWC)
 * zero-padded rows: each 2×2 block of output pixels (a tile) is 16 products per input and output
 * channel pair instead of 36. Three steps, each vectorized over channels:
 * <ol>
 *   <li>{@link #input}: a tile's 4×4 input patch d becomes V = Bᵀ·d·B (additions only), at
 *       v[(p·count + t)·ch + c] for point p &lt; 16 of tile t &lt; count (count a multiple of {@link #TILES});</li>
 *   <li>{@link #multiply}: 16 independent products M_p = V_p·U_p over the input channels, the weights
 *       U = G·g·Gᵀ transformed once ({@link #weights}), at m[(p·count + t)·width + o]: {@link #TILES} tiles
 *       × two vectors of output channels a call, SGEMM's 16-register micro-kernel shape (10 sums; 6 × 2 spills);</li>
 *   <li>{@link #output}: Y = Aᵀ·M·A (additions only), the tile's four sums in the row kernel's sums
 *       layout.</li>
 * </ol>
 * The sums differ from a direct convolution's by rounding (the transforms scale by 1/2 and add
 * before multiplying): about 1e-6 of the sum's magnitude, more than the direct kernels' order
 * changes, so it serves full-precision inference only, never integer codes that must stay exact.
 * A tile's sums depend only on its patch, never on which tiles share a call.
 *
 * <p>Every vector stays in a local and every operation is spelled inline: a helper taking vectors
 * would box them.
 */
public final class Winograd {
    /** Output pixels along each side of a tile. */
    public static final int OUT = 2;
    /** Input pixels along each side of a tile's patch. */
    public static final int IN = 4;
    /** Transformed points per tile. */
    public static final int POINTS = IN * IN;
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    /** Output channels per weight vector. */
    public static final int LANES = F.length();
    /** Tiles a {@link #multiply} call holds in registers (× two vectors of output channels); counts are multiples of it. */
    public static final int TILES = 5;

    private Winograd() {}

    /**
     * U[(p·ch + c)·width + o] for point p of the 4×4 transform G·g·Gᵀ of the 3×3 kernel g of output
     * channel o &lt; outCh, input channel c; g[ki][kj] at w[(o·9 + ki·3 + kj)·ch + c] (tap-major rows).
     * Output channels from outCh to width (a multiple of {@link #LANES}) are zero.
     */
    public static float[] weights(float[] w, int outCh, int ch, int width) {
        if (width % LANES != 0 || width < outCh) throw new IllegalArgumentException("width " + width + " for " + outCh + " channels");
        float[] u = new float[POINTS * ch * width];
        float[][] g = new float[3][3], gg = new float[IN][3];
        for (int o = 0; o < outCh; o++)
            for (int c = 0; c < ch; c++) {
                for (int t = 0; t < 9; t++) g[t / 3][t % 3] = w[(o * 9 + t) * ch + c];
                for (int j = 0; j < 3; j++) { // G·g, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
                    gg[0][j] = g[0][j];
                    gg[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
                    gg[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
                    gg[3][j] = g[2][j];
                }
                for (int i = 0; i < IN; i++) { // (G·g)·Gᵀ
                    int row = i * IN;
                    u[((row) * ch + c) * width + o] = gg[i][0];
                    u[((row + 1) * ch + c) * width + o] = 0.5f * (gg[i][0] + gg[i][1] + gg[i][2]);
                    u[((row + 2) * ch + c) * width + o] = 0.5f * (gg[i][0] - gg[i][1] + gg[i][2]);
                    u[((row + 3) * ch + c) * width + o] = gg[i][2];
                }
            }
        return u;
    }

    /** Tiles rounded up to a multiple of {@link #TILES}: the count the V and M buffers of that many tiles hold. */
    public static int paddedTiles(int tiles) {
        return (tiles + TILES - 1) / TILES * TILES;
    }

    /**
     * V of tiles [0, tiles) of a band of rows, stored as tiles [first, first + tiles) of a V of count tiles:
     * tile t = k·perRow + j (k-th row pair, j-th tile of it) has its patch's top-left pixel at
     * x[base + 2k·rowStride + 2j·ch], ch channels a pixel.
     */
    public static void input(float[] x, int base, int rowStride, int ch, int perRow, int tiles, float[] v, int first, int count) {
        if (!VectorWidth.VECTOR) {
            WinogradScalar.input(x, base, rowStride, ch, perRow, tiles, v, first, count);
            return;
        }
        int full = ch / LANES * LANES, plane = count * ch;
        for (int t = 0; t < tiles; t++) {
            int at = base + t / perRow * OUT * rowStride + t % perRow * OUT * ch, dst = (first + t) * ch;
            int r1 = at + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
            int c1 = ch, c2 = 2 * ch, c3 = 3 * ch;
            for (int c = 0; c < full; c += LANES) {
                // Bᵀ·d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3, column by column
                FloatVector d00 = FloatVector.fromArray(F, x, at + c), d01 = FloatVector.fromArray(F, x, at + c1 + c),
                        d02 = FloatVector.fromArray(F, x, at + c2 + c), d03 = FloatVector.fromArray(F, x, at + c3 + c);
                FloatVector d10 = FloatVector.fromArray(F, x, r1 + c), d11 = FloatVector.fromArray(F, x, r1 + c1 + c),
                        d12 = FloatVector.fromArray(F, x, r1 + c2 + c), d13 = FloatVector.fromArray(F, x, r1 + c3 + c);
                FloatVector d20 = FloatVector.fromArray(F, x, r2 + c), d21 = FloatVector.fromArray(F, x, r2 + c1 + c),
                        d22 = FloatVector.fromArray(F, x, r2 + c2 + c), d23 = FloatVector.fromArray(F, x, r2 + c3 + c);
                FloatVector d30 = FloatVector.fromArray(F, x, r3 + c), d31 = FloatVector.fromArray(F, x, r3 + c1 + c),
                        d32 = FloatVector.fromArray(F, x, r3 + c2 + c), d33 = FloatVector.fromArray(F, x, r3 + c3 + c);
                FloatVector t00 = d00.sub(d20), t01 = d01.sub(d21), t02 = d02.sub(d22), t03 = d03.sub(d23);
                FloatVector t10 = d10.add(d20), t11 = d11.add(d21), t12 = d12.add(d22), t13 = d13.add(d23);
                FloatVector t20 = d20.sub(d10), t21 = d21.sub(d11), t22 = d22.sub(d12), t23 = d23.sub(d13);
                FloatVector t30 = d10.sub(d30), t31 = d11.sub(d31), t32 = d12.sub(d32), t33 = d13.sub(d33);
                // (Bᵀ·d)·B: columns t0 − t2, t1 + t2, t2 − t1, t1 − t3, row by row
                int o = dst + c;
                t00.sub(t02).intoArray(v, o);
                t01.add(t02).intoArray(v, o + plane);
                t02.sub(t01).intoArray(v, o + 2 * plane);
                t01.sub(t03).intoArray(v, o + 3 * plane);
                t10.sub(t12).intoArray(v, o + 4 * plane);
                t11.add(t12).intoArray(v, o + 5 * plane);
                t12.sub(t11).intoArray(v, o + 6 * plane);
                t11.sub(t13).intoArray(v, o + 7 * plane);
                t20.sub(t22).intoArray(v, o + 8 * plane);
                t21.add(t22).intoArray(v, o + 9 * plane);
                t22.sub(t21).intoArray(v, o + 10 * plane);
                t21.sub(t23).intoArray(v, o + 11 * plane);
                t30.sub(t32).intoArray(v, o + 12 * plane);
                t31.add(t32).intoArray(v, o + 13 * plane);
                t32.sub(t31).intoArray(v, o + 14 * plane);
                t31.sub(t33).intoArray(v, o + 15 * plane);
            }
            if (full < ch) WinogradScalar.inputChannels(x, at, rowStride, ch, full, ch, v, dst, plane);
        }
    }

    /**
     * M_p = V_p·U_p for the 16 points: m[(p·count + t)·width + o] = Σ_c v[(p·count + t)·ch + c] ·
     * u[(p·ch + c)·width + o], each sum one fma per channel in channel order; count a multiple of
     * {@link #TILES}, width of {@link #LANES}.
     */
    public static void multiply(float[] v, float[] u, int count, int ch, int width, float[] m) {
        if (count % TILES != 0 || width % LANES != 0)
            throw new IllegalArgumentException(count + " tiles, " + width + " output channels: need multiples of " + TILES + " and " + LANES);
        if (!VectorWidth.VECTOR) {
            WinogradScalar.multiply(v, u, count, ch, width, m);
            return;
        }
        for (int p = 0; p < POINTS; p++) {
            int vp = p * count * ch, up = p * ch * width, mp = p * count * width;
            for (int t = 0; t < count; t += TILES) {
                int o = 0;
                for (; o + 2 * LANES <= width; o += 2 * LANES) fiveTilesTwo(v, vp + t * ch, u, up + o, ch, width, m, mp + t * width + o);
                if (o < width) fiveTilesOne(v, vp + t * ch, u, up + o, ch, width, m, mp + t * width + o);
            }
        }
    }

    /** Tiles t..t + 4 (their V rows from v[vOff], ch apart) × output channels o..o + 2·LANES (U from u[uOff]). */
    private static void fiveTilesTwo(float[] v, int vOff, float[] u, int uOff, int ch, int width, float[] m, int mOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
        int v1 = ch, v2 = 2 * ch, v3 = 3 * ch, v4 = 4 * ch;
        for (int c = 0, vi = vOff, ui = uOff; c < ch; c++, vi++, ui += width) {
            FloatVector w = FloatVector.fromArray(F, u, ui), z = FloatVector.fromArray(F, u, ui + LANES), x;
            x = FloatVector.broadcast(F, v[vi]);
            a0 = x.fma(w, a0);
            b0 = x.fma(z, b0);
            x = FloatVector.broadcast(F, v[vi + v1]);
            a1 = x.fma(w, a1);
            b1 = x.fma(z, b1);
            x = FloatVector.broadcast(F, v[vi + v2]);
            a2 = x.fma(w, a2);
            b2 = x.fma(z, b2);
            x = FloatVector.broadcast(F, v[vi + v3]);
            a3 = x.fma(w, a3);
            b3 = x.fma(z, b3);
            x = FloatVector.broadcast(F, v[vi + v4]);
            a4 = x.fma(w, a4);
            b4 = x.fma(z, b4);
        }
        a0.intoArray(m, mOff);
        b0.intoArray(m, mOff + LANES);
        a1.intoArray(m, mOff + width);
        b1.intoArray(m, mOff + width + LANES);
        a2.intoArray(m, mOff + 2 * width);
        b2.intoArray(m, mOff + 2 * width + LANES);
        a3.intoArray(m, mOff + 3 * width);
        b3.intoArray(m, mOff + 3 * width + LANES);
        a4.intoArray(m, mOff + 4 * width);
        b4.intoArray(m, mOff + 4 * width + LANES);
    }

    /** {@link #fiveTilesTwo} for one vector of output channels (the last of an odd number). */
    private static void fiveTilesOne(float[] v, int vOff, float[] u, int uOff, int ch, int width, float[] m, int mOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
        int v1 = ch, v2 = 2 * ch, v3 = 3 * ch, v4 = 4 * ch;
        for (int c = 0, vi = vOff, ui = uOff; c < ch; c++, vi++, ui += width) {
            FloatVector w = FloatVector.fromArray(F, u, ui);
            a0 = FloatVector.broadcast(F, v[vi]).fma(w, a0);
            a1 = FloatVector.broadcast(F, v[vi + v1]).fma(w, a1);
            a2 = FloatVector.broadcast(F, v[vi + v2]).fma(w, a2);
            a3 = FloatVector.broadcast(F, v[vi + v3]).fma(w, a3);
            a4 = FloatVector.broadcast(F, v[vi + v4]).fma(w, a4);
        }
        a0.intoArray(m, mOff);
        a1.intoArray(m, mOff + width);
        a2.intoArray(m, mOff + 2 * width);
        a3.intoArray(m, mOff + 3 * width);
        a4.intoArray(m, mOff + 4 * width);
    }

    /**
     * Y = Aᵀ·M·A of tiles [0, count) (tile t = k·perRow + j as in {@link #input}): the sums of output
     * row 2k + i, pixel 2j + s, channel o at sums[(2k + i)·rowWidth + (2j + s)·width + o], rowWidth =
     * 2·perRow·width.
     */
    public static void output(float[] m, int count, int width, int perRow, float[] sums) {
        if (!VectorWidth.VECTOR) {
            WinogradScalar.output(m, count, width, perRow, sums);
            return;
        }
        int plane = count * width, rowWidth = OUT * perRow * width;
        for (int t = 0; t < count; t++) {
            int src = t * width, dst = t / perRow * OUT * rowWidth + t % perRow * OUT * width;
            for (int o = 0; o < width; o += LANES) {
                int s = src + o;
                FloatVector m0 = FloatVector.fromArray(F, m, s), m1 = FloatVector.fromArray(F, m, s + plane),
                        m2 = FloatVector.fromArray(F, m, s + 2 * plane), m3 = FloatVector.fromArray(F, m, s + 3 * plane);
                FloatVector m4 = FloatVector.fromArray(F, m, s + 4 * plane), m5 = FloatVector.fromArray(F, m, s + 5 * plane),
                        m6 = FloatVector.fromArray(F, m, s + 6 * plane), m7 = FloatVector.fromArray(F, m, s + 7 * plane);
                FloatVector m8 = FloatVector.fromArray(F, m, s + 8 * plane), m9 = FloatVector.fromArray(F, m, s + 9 * plane),
                        m10 = FloatVector.fromArray(F, m, s + 10 * plane), m11 = FloatVector.fromArray(F, m, s + 11 * plane);
                FloatVector m12 = FloatVector.fromArray(F, m, s + 12 * plane), m13 = FloatVector.fromArray(F, m, s + 13 * plane),
                        m14 = FloatVector.fromArray(F, m, s + 14 * plane), m15 = FloatVector.fromArray(F, m, s + 15 * plane);
                // Aᵀ·M: rows m0 + m1 + m2 and m1 − m2 − m3, column by column
                FloatVector s00 = m0.add(m4).add(m8), s01 = m1.add(m5).add(m9), s02 = m2.add(m6).add(m10), s03 = m3.add(m7).add(m11);
                FloatVector s10 = m4.sub(m8).sub(m12), s11 = m5.sub(m9).sub(m13), s12 = m6.sub(m10).sub(m14), s13 = m7.sub(m11).sub(m15);
                // (Aᵀ·M)·A: columns s0 + s1 + s2 and s1 − s2 − s3
                int d = dst + o;
                s00.add(s01).add(s02).intoArray(sums, d);
                s01.sub(s02).sub(s03).intoArray(sums, d + width);
                s10.add(s11).add(s12).intoArray(sums, d + rowWidth);
                s11.sub(s12).sub(s13).intoArray(sums, d + rowWidth + width);
            }
        }
    }
}
