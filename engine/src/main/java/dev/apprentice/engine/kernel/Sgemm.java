package dev.apprentice.engine.kernel;

import static dev.apprentice.engine.kernel.SgemmMicroKernel.MR;
import static dev.apprentice.engine.kernel.SgemmMicroKernel.NR;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;

/**
 * Single-precision GEMM, row-major: C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k
 * and op(B) is k x n. With transA, A is stored k x m (row stride lda >= m); without, m x k
 * (lda >= k). Likewise B: transB means n x k storage. beta = 0 overwrites C (NaNs in C ignored).
 *
 * <p>Where the JVM compiles no vector code, every product runs the plain twin {@link SgemmScalar}.
 * Otherwise three paths, chosen by shape only (never by thread count, so results are bit-identical for
 * any number of threads):
 * <ul>
 *   <li>tiny problems: {@link SgemmSmall}, direct loops, no packing, no threads;</li>
 *   <li>A row-major, B transposed, C small (m or n <= 64), k >= 512: {@link SgemmDot}, dot
 *       products along k with no packing (the weight gradient of im2col convolutions);</li>
 *   <li>everything else: Goto/BLIS blocking. C is cut into tasks (blocks of rows x columns) run on
 *       {@link Parallel}; per k-slice (at most KC deep), op(B) is packed into micro-panels and op(A), MC rows
 *       at a time, into per-thread buffers, and the MR x NR {@link SgemmMicroKernel} sweeps them.
 *       When C is cut by rows and a slice of B is large, the threads pack each slice of B once
 *       together and share it ({@link #shared}); otherwise every task packs the columns it needs
 *       (C with 64 rows or fewer is cut by columns only). K is never split across
 *       tasks, and the k-slicing is fixed, so every element's sum is computed in the same order
 *       whatever the partition (the order {@link SgemmScalar} computes it in).</li>
 * </ul>
 */
public final class Sgemm {
    /**
     * Deepest k-slice. Each slice is one more pass over C (a load and a store of every MR x NR tile)
     * and one more pack of B, which deeper slices amortize; the 64 KiB B micro-panel then streams
     * from L2 rather than sitting in L1, which the kernel tolerates. One core, 2048³: KC 256
     * 94.7 GFLOP/s, 512 102.6-103.3, 768 no better; two cores 179-186 against 190-202 (AMD Zen 4
     * host; on the Intel host KC 384-1024 measured the same as 256).
     */
    static final int KC = Integer.getInteger("apprentice.sgemm.kc", 512);
    /** Rows of A packed at a time: an MC x KC block stays in L2. A multiple of MR, so row blocks start on a packed panel. */
    static final int MC = Math.max(MR, Integer.getInteger("apprentice.sgemm.mc", 128) / MR * MR);
    /** Most columns one task packs per k-slice (a KC x NC panel of B, L3 resident). */
    static final int NC = Integer.getInteger("apprentice.sgemm.nc", 2048);
    /** At or below this many multiply-adds, the direct path beats packing. */
    static final long SMALL = 32L * 32 * 32;
    /** Below this many multiply-adds, running on one thread beats forking. */
    static final long SERIAL = 1L << 18;
    /**
     * C with at most this many rows is cut by columns, never by rows. Two threads, GFLOP/s, 64 × 49
     * × 288 (the 7 × 7 stride-2 convolution's product): one thread 64-70, rows sharing B 30-90 by
     * phase, columns 98-120; 96³ rows 118-139 against columns 106-123, so only small m switches.
     */
    static final int COLUMN_SPLIT_MAX_ROWS = 64;
    /**
     * Row tasks share packed B only when a slice of it is at least this many floats (256 KiB, more
     * than L2 holds comfortably beside A): then packing it once for all threads saves reading it from
     * L3 or memory once per task. A smaller slice is cheaper packed again by every task than read
     * from the other core's cache. Two threads, GFLOP/s shared / packed per task, two JVMs each:
     * 144x196x32tA 54-64 / 87-157, 288x49x64tA 72-128 / 104-137, 128³ 59-170 / 134-179, 96³ 129-143 /
     * 88-166.
     */
    static final long SHARE_MIN_B_FLOATS = 1 << 16;
    /**
     * The dot-product path needs k this long: it ends every element with a 16-lane sum, which for a
     * short k outweighs the packed path's transposing pack of B. One thread, GFLOP/s dot / packed:
     * 64x128x64tB 41 / 120, 128x64x256tB 111 / 150, 64x64x512tB 129 / 115, 16x144x512tB 116 / 48,
     * 16x64x1024tB 140 / 61, 32x144x25088tB 130 / 61.
     */
    static final int DOT_MIN_K = 512;
    private Sgemm() {}

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0], part = new float[0], shared = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) { return a.length >= size ? a : (a = new float[size]); }
        float[] b(int size) { return b.length >= size ? b : (b = new float[size]); }
        /** Packed B slices a call shares with the pool's threads (never used by this thread's own tasks' a/b). */
        float[] shared(int size) { return shared.length >= size ? shared : (shared = new float[size]); }
        float[] part(int size) { return part.length >= size ? part : (part = new float[size]); }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (!VectorWidth.VECTOR) {
            SgemmScalar.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        if (transB && !transA && (m <= 64 || n <= 64) && k >= DOT_MIN_K && SgemmDot.APPLIES) {
            dot(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, work);
        } else if (work <= SMALL) {
            SgemmSmall.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            blocked(transA, transB, m, n, k, alpha, a, aOff, lda, null, b, bOff, ldb, beta, c, cOff, ldc, work);
        }
    }

    /**
     * op(A) packed once, for many products with the same left operand (a layer's weights, reused
     * for every image of a batch): the panels the blocked path would otherwise pack on every call.
     */
    public static final class PackedA {
        final int m, k;
        final float[] panels;

        private PackedA(int m, int k, float[] panels) {
            this.m = m;
            this.k = k;
            this.panels = panels;
        }

        public int rows() { return m; }
        public int depth() { return k; }

        /** Start of the panel for rows [i, i + MR) (i a multiple of MR) in the k-slice from p0. */
        int offset(int p0, int kc, int i) {
            return p0 * ceilDiv(m, MR) * MR + i * kc;
        }
    }

    /** Packs op(A) (m x k; stored k x m when transA) for {@link #sgemm(PackedA, boolean, int, float[], int, int, float, float[], int, int)}. */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        return pack(transA, m, k, a, aOff, lda, null);
    }

    /** Floats the packed form of an m x k matrix takes. */
    public static int packedSize(int m, int k) {
        return ceilDiv(m, MR) * MR * k;
    }

    /**
     * Like {@link #pack(boolean, int, int, float[], int, int)}, into {@code into} when it is large
     * enough (every entry is written, padding included), so a caller packing weights on every call
     * reuses one buffer: allocating it anew measured 13% of a batch-1 ResNet-20 inference.
     */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] into) {
        if (m < 1 || k < 1) throw new IllegalArgumentException("sgemm: cannot pack a " + m + " x " + k + " matrix");
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        float[] panels = into != null && into.length >= packedSize(m, k) ? into : new float[packedSize(m, k)];
        PackedA packed = new PackedA(m, k, panels);
        int depth = sliceDepth(k);
        for (int p0 = 0; p0 < k; p0 += depth) {
            int kc = Math.min(depth, k - p0);
            SgemmPack.packA(transA, 1f, a, aOff, lda, 0, m, p0, kc, panels, packed.offset(p0, kc, 0));
        }
        return packed;
    }

    /** C = A * op(B) + beta * C with A packed by {@link #pack}; A is m x k, op(B) k x n. */
    public static void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        int m = a.m, k = a.k;
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
        if (n == 0) return;
        if (!VectorWidth.VECTOR) SgemmScalar.packed(a, transB, n, b, bOff, ldb, beta, c, cOff, ldc);
        else blocked(false, transB, m, n, k, 1f, null, 0, 0, a, b, bOff, ldb, beta, c, cOff, ldc, (long) m * n * k);
    }

    private static void blocked(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, PackedA packedA,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, long work) {
        // Task grid: at most NC columns per task; then split further (the larger side first)
        // until every thread has two tasks, so a noisy neighbour on one core costs less.
        // A row split shares each packed slice of B between the threads (see shared), which pays for
        // itself only when each thread runs many rows against it: a panel one core packed is read
        // from the other core's cache, slow when the two sit far apart on the host. So C with few
        // rows is split by columns only (each task packs its own).
        int mBlocks = ceilDiv(m, MR), nBlocks = ceilDiv(n, NR);
        boolean rowSplit = m > COLUMN_SPLIT_MAX_ROWS || nBlocks == 1;
        int tm = 1, tn = ceilDiv(n, NC);
        int want = work <= SERIAL ? 1 : 2 * Parallel.threads();
        while (tm * tn < want) {
            boolean splitM = ceilDiv(mBlocks, tm) * MR >= ceilDiv(nBlocks, tn) * NR;
            if (splitM && rowSplit && tm < mBlocks) tm++;
            else if (tn < nBlocks) tn++;
            else if (rowSplit && tm < mBlocks) tm++;
            else break;
        }
        int rowsPer = ceilDiv(mBlocks, tm) * MR, colsPer = ceilDiv(nBlocks, tn) * NR;
        int tasksM = ceilDiv(m, rowsPer), tasksN = ceilDiv(n, colsPer);
        if (tasksM > 1 && (long) sliceDepth(k) * n >= SHARE_MIN_B_FLOATS) {
            shared(transA, transB, m, n, k, alpha, a, aOff, lda, packedA, b, bOff, ldb, beta, c, cOff, ldc, want);
            return;
        }
        Parallel.forEach(tasksM * tasksN, t -> {
            int i0 = (t / tasksN) * rowsPer, j0 = (t % tasksN) * colsPer;
            blockedTask(transA, transB, i0, Math.min(m, i0 + rowsPer), j0, Math.min(n, j0 + colsPer), k,
                    alpha, a, aOff, lda, packedA, b, bOff, ldb, beta, c, cOff, ldc);
        });
    }

    /**
     * The blocked product with each k-slice of op(B) packed once for all threads (they split
     * the packing by column panels) and then shared, rather than packed by every task that
     * needs it: with C cut by rows, each task would pack the whole slice again (at 1024³ on two
     * threads, four tasks packed B four times, ~12% of the product). Per k-slice: one parallel
     * pass packs B, a second runs the tasks, each packing only its own rows of A.
     */
    private static void shared(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda, PackedA packedA,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc, int want) {
        if (beta != 0 && beta != 1) {
            Parallel.forRange(m, Math.max(1, (1 << 16) / Math.max(1, n)), (lo, hi) -> scale(hi - lo, n, beta, c, cOff + lo * ldc, ldc));
        }
        int mBlocks = ceilDiv(m, MR), kcMax = sliceDepth(k);
        float[] pb = BUFFERS.get().shared(kcMax * ceilDiv(Math.min(n, NC), NR) * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), panels = ceilDiv(nc, NR);
            // Tasks: row blocks first (no operand packed twice); column blocks only when rows run short.
            int tm = Math.min(mBlocks, want), tn = Math.min(panels, ceilDiv(want, tm));
            int rowsPer = ceilDiv(mBlocks, tm) * MR, panelsPer = ceilDiv(panels, tn);
            int tasksM = ceilDiv(m, rowsPer), tasksN = ceilDiv(panels, panelsPer);
            int packChunks = Math.min(panels, want), packPer = ceilDiv(panels, packChunks);
            int j0 = jc;
            for (int p0 = 0; p0 < k; p0 += kcMax) {
                int kc = Math.min(kcMax, k - p0), slice = p0;
                boolean accumulate = p0 > 0 || beta != 0;
                Parallel.forEach(ceilDiv(panels, packPer), t -> {
                    int lo = t * packPer * NR;
                    SgemmPack.packB(transB, b, bOff, ldb, slice, kc, j0 + lo, Math.min(nc, lo + packPer * NR) - lo, pb, lo * kc);
                });
                Parallel.forEach(tasksM * tasksN, t -> {
                    int i0 = (t / tasksN) * rowsPer, i1 = Math.min(m, i0 + rowsPer);
                    int c0 = (t % tasksN) * panelsPer * NR, c1 = Math.min(nc, c0 + panelsPer * NR);
                    Buffers buf = BUFFERS.get();
                    float[] pa = packedA != null ? packedA.panels : buf.a(kc * ceilDiv(Math.min(i1 - i0, MC), MR) * MR);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        int aBase = blockA(transA, alpha, a, aOff, lda, packedA, ic, mc, slice, kc, pa);
                        sweep(kc, pa, aBase, mc, pb, c0 * kc, c1 - c0, accumulate, c, cOff + ic * ldc + j0 + c0, ldc, buf.tile);
                    }
                });
            }
        }
    }

    /**
     * One k-slice of rows [0, mc) of packed A (from aBase) against nc columns of B packed at
     * pb[pbOff ..] (column panel jr at pbOff + jr·kc), C from co: the micro-kernel over every MR x NR tile.
     */
    private static void sweep(int kc, float[] pa, int aBase, int mc, float[] pb, int pbOff, int nc,
                              boolean accumulate, float[] c, int co, int ldc, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), bo = pbOff + jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int o = co + ir * ldc + jr;
                if (mr == MR && nr == NR) SgemmMicroKernel.kernel(kc, pa, aBase + ir * kc, pb, bo, accumulate, c, o, ldc);
                else SgemmMicroKernel.edge(kc, pa, aBase + ir * kc, pb, bo, tile, mr, nr, accumulate, c, o, ldc);
            }
        }
    }

    /** Rows [ic, ic + mc) of op(A) for the k-slice from p0: their offset in A packed once, or packed into pa from 0. */
    private static int blockA(boolean transA, float alpha, float[] a, int aOff, int lda, PackedA packedA,
                              int ic, int mc, int p0, int kc, float[] pa) {
        if (packedA != null) return packedA.offset(p0, kc, ic);
        SgemmPack.packA(transA, alpha, a, aOff, lda, ic, mc, p0, kc, pa, 0);
        return 0;
    }

    /** C[i0, i1) x [j0, j1): the Goto loops (k-slice, MC row block, NR column panel, MR row panel). */
    private static void blockedTask(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                    float alpha, float[] a, int aOff, int lda, PackedA packedA,
                                    float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        int nc = j1 - j0, rows = i1 - i0;
        // beta is applied to C once up front; then the first k-slice accumulates onto C unless beta = 0.
        if (beta != 0 && beta != 1) scale(rows, nc, beta, c, cOff + i0 * ldc + j0, ldc);
        int kcMax = sliceDepth(k);
        float[] pb = buf.b(kcMax * ceilDiv(nc, NR) * NR);
        float[] pa = packedA != null ? packedA.panels : buf.a(kcMax * ceilDiv(Math.min(rows, MC), MR) * MR);
        for (int p0 = 0; p0 < k; p0 += kcMax) {
            int kc = Math.min(kcMax, k - p0);
            boolean accumulate = p0 > 0 || beta != 0;
            SgemmPack.packB(transB, b, bOff, ldb, p0, kc, j0, nc, pb, 0);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                int aBase = blockA(transA, alpha, a, aOff, lda, packedA, ic, mc, p0, kc, pa);
                sweep(kc, pa, aBase, mc, pb, 0, nc, accumulate, c, cOff + ic * ldc + j0, ldc, buf.tile);
            }
        }
    }

    private static void dot(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, long work) {
        // Split the columns (or rows, when those are more) into tasks of whole 4-wide tiles.
        int want = work <= SERIAL ? 1 : 2 * Parallel.threads();
        boolean byRows = m > n;
        int len = byRows ? m : n, tile = byRows ? SgemmDot.TM : SgemmDot.TN;
        int per = ceilDiv(ceilDiv(len, tile), want) * tile;
        int tasks = ceilDiv(len, per);
        Parallel.forEach(tasks, t -> {
            int lo = t * per, hi = Math.min(len, lo + per);
            int i0 = byRows ? lo : 0, i1 = byRows ? hi : m, j0 = byRows ? 0 : lo, j1 = byRows ? n : hi;
            float[] part = BUFFERS.get().part(SgemmDot.partSize(i1 - i0, j1 - j0));
            SgemmDot.block(i0, i1, j0, j1, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, part);
        });
    }

    /** C = beta * C (beta = 0 writes zeros, whatever C held). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0) java.util.Arrays.fill(c, o, o + n, 0f);
            else if (beta != 1) for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    /**
     * Depth of the k-slices for a depth-k product: as few slices as KC allows, of equal depth but
     * the last, so no slice is a thin remainder (k = 576 runs as 288 + 288, not 512 + 64). The
     * slicing never changes a result: each slice continues the previous one's FMA chain from the
     * stored C, and a float survives the store and the load unchanged.
     */
    static int sliceDepth(int k) {
        return ceilDiv(k, ceilDiv(k, KC));
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative dimension m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    /** A stored rows x cols matrix with row stride ld starting at off must fit in arr. */
    private static void checkMatrix(String name, float[] arr, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld
                    + ", must be >= max(1, " + cols + ") for a " + rows + " x " + cols + " stored matrix");
        }
        if (off < 0) throw new IllegalArgumentException("sgemm: negative offset " + off + " for " + name);
        if (rows == 0 || cols == 0) return;
        if (arr == null) throw new IllegalArgumentException("sgemm: array " + name + " is null");
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > arr.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + " x " + cols + ", offset " + off
                    + ", leading dimension " + ld + ") needs " + last + " elements, array has " + arr.length);
        }
    }
}
