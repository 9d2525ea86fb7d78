package dev.apprentice.engine.kernel;

import dev.apprentice.engine.parallel.Parallel;
import dev.apprentice.engine.vector.VectorWidth;

/**
 * 2-D convolution (NCHW input, OIHW weights), each pass by the path its shape's {@link ConvPlan}
 * names: the row kernel over channel-minor rows ({@link Conv3x3Rows}), a GEMM on the image itself
 * (pointwise), or a compact {@link Im2col} and {@link Sgemm}; {@link ConvScalar} where the JVM
 * compiles no vector code.
 *
 * <p>Why per image: a whole-batch im2col matrix is K × N·P floats (58 MB for a 16→16 3×3 layer on
 * 28×28 at batch 128) and round-trips through DRAM, while one image's columns (≤ 0.5 MB for
 * ResNet-20) stay in L2 between the copy and the GEMM that consumes them. Images are spread over
 * {@link Parallel}; each task uses its thread's scratch buffer and a single-threaded GEMM (calls
 * nested in the pool run serially). When there are fewer images than threads the images run
 * one after another on the caller, so the GEMM itself can use the pool (batch-1 inference).
 *
 * <p>Determinism: every output element is written by one task in a fixed order, except the
 * weight gradient, which is summed over images in a fixed number of chunks (independent of the
 * thread count) that are then added in chunk order.
 */
public final class Conv2dKernel {
    /** Most chunks of the batch with their own weight-gradient partials (see {@link #weightGradChunks}); fixed per shape so results do not depend on threads. */
    private static final int WEIGHT_GRAD_CHUNKS = 16;
    /** Most floats of lowered images one weight-gradient pass holds (4 MiB). Tests shrink it. */
    static int weightGradGroupFloats = 1 << 20;
    /**
     * Floats of dy rows a weight-gradient tile sweeps (4 rows × len × images) that should stay in
     * L1 (16 KiB: half of a 32 KiB L1). Measured on ResNet-20's 16→16 layer at 28×28, one core:
     * one image per group 58 GFLOP/s, the whole chunk of 8 (dy rows far beyond L1) 49.
     */
    static final int WEIGHT_GRAD_L1_FLOATS = 4096;

    /** The calling thread's buffer for packed weights (kernel calls do not nest, so one suffices). */
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);

    private Conv2dKernel() {}

    private static Sgemm.PackedA packWeights(boolean trans, int m, int k, float[] w) {
        float[] buf = PACKED.get();
        if (buf.length < Sgemm.packedSize(m, k)) PACKED.set(buf = new float[Sgemm.packedSize(m, k)]);
        return Sgemm.pack(trans, m, k, w, 0, trans ? m : k, buf);
    }

    /** Weights packed for {@link Conv3x3Rows} in the calling thread's buffer. */
    private static float[] packWeightsRows(ConvGeometry g, float[] w) {
        float[] buf = PACKED.get();
        if (buf.length < Conv3x3Rows.packedSize(g)) PACKED.set(buf = new float[Conv3x3Rows.packedSize(g)]);
        return Conv3x3Rows.pack(g, w, buf);
    }

    /** y = conv(x, w) + bias; bias may be null; y (N×O×outH×outW) is overwritten. */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(g, x, w, bias, null, false, y);
    }

    /**
     * y = conv(x, w) + bias + residual, then max(·, 0) when relu: the epilogue of an inference
     * block applied while each image's result is still in cache (bias and residual may be null;
     * residual has y's shape). Each element as separate passes would compute it.
     */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] residual, boolean relu, float[] y) {
        KernelChecks.length("x", x, g.inputSize());
        KernelChecks.length("w", w, g.weightSize());
        KernelChecks.optionalLength("bias", bias, g.outChannels());
        KernelChecks.length("y", y, g.outputSize());
        KernelChecks.optionalLength("residual", residual, g.outputSize());
        final ConvPlan.Path path = ConvPlan.of(g).forward();
        if (path == ConvPlan.Path.SCALAR) {
            ConvScalar.forward(g, x, w, bias, residual, relu, y);
            return;
        }
        final int o = g.outChannels(), k = kRows(g), p = g.outH() * g.outW();
        final int xStride = g.inChannels() * g.inH() * g.inW(), yStride = o * p;
        if (path == ConvPlan.Path.ROW_KERNEL) {
            final float[] packed = packWeightsRows(g, w);
            final int[] inAt = Conv3x3Rows.inputOffsets(g), planes = Conv3x3Rows.planeOffsets(g);
            forEachImage(g.batch(), n -> {
                Conv3x3Rows.image(g, packed, x, n * xStride, y, n * yStride, false, Scratch.floats(Conv3x3Rows.workFloats(g)), inAt, planes);
                epilogue(bias, residual, relu, y, n * yStride, o, p); // while the image is in cache
            });
            return;
        }
        final Sgemm.PackedA packedW = packWeights(false, o, k, w); // once for all images
        forEachImage(g.batch(), n -> {
            int yOff = n * yStride;
            if (path == ConvPlan.Path.POINTWISE_GEMM) {
                Sgemm.sgemm(packedW, false, p, x, n * xStride, p, 0f, y, yOff, p);
            } else {
                float[] col = Scratch.floats(k * p);
                Im2col.im2col(g, x, n * xStride, col);
                Sgemm.sgemm(packedW, false, p, col, 0, p, 0f, y, yOff, p);
            }
            epilogue(bias, residual, relu, y, yOff, o, p);
        });
    }

    /** dx += conv-transpose(dy, w). */
    public static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        backwardData(g, dy, w, dx, true);
    }

    /**
     * dx += conv-transpose(dy, w) when accumulate, else dx = it: every element written, whatever
     * dx held, so a tensor's first gradient needs no zeroing pass (and the GEMM no read of it).
     */
    public static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, boolean accumulate) {
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("w", w, g.weightSize());
        KernelChecks.length("dx", dx, g.inputSize());
        final ConvPlan.Path path = ConvPlan.of(g).inputGradient();
        if (path == ConvPlan.Path.SCALAR) {
            ConvScalar.backwardData(g, dy, w, dx, accumulate);
            return;
        }
        if (path == ConvPlan.Path.ROW_KERNEL) {
            DataGradAsConvolution data = new DataGradAsConvolution(g, w);
            forEachImage(g.batch(), n -> data.image(dy, n, dx, accumulate, Scratch.floats(data.workFloats())));
            return;
        }
        final int o = g.outChannels(), k = kRows(g), p = g.outH() * g.outW();
        final int xStride = g.inChannels() * g.inH() * g.inW(), yStride = o * p;
        final Sgemm.PackedA packedWt = packWeights(true, k, o, w); // Wᵀ, once for all images
        forEachImage(g.batch(), n -> {
            if (path == ConvPlan.Path.POINTWISE_GEMM) { // dx_n(C×P) (+)= Wᵀ · dy_n, straight into dx
                Sgemm.sgemm(packedWt, false, p, dy, n * yStride, p, accumulate ? 1f : 0f, dx, n * xStride, p);
            } else {
                float[] col = Scratch.floats(k * p);
                Sgemm.sgemm(packedWt, false, p, dy, n * yStride, p, 0f, col, 0, p);
                if (!accumulate) java.util.Arrays.fill(dx, n * xStride, (n + 1) * xStride, 0f); // col2im adds overlapping windows
                Im2col.col2imAdd(g, col, dx, n * xStride);
            }
        });
    }

    /**
     * The input gradient of a stride-1 layer as a forward convolution through the row kernel:
     * the "full" correlation of dy with the flipped kernel ({@link ConvPlan#flipped}), weights
     * W'[c][o][ki][kj] = W[o][c][kh−1−ki][kw−1−kj], prepared once for all images. No column matrix,
     * no col2im scatter-add.
     */
    private static final class DataGradAsConvolution {
        final ConvGeometry t;
        final float[] packed;
        final int[] inAt, planes;
        final int xStride, yStride;

        DataGradAsConvolution(ConvGeometry g, float[] w) {
            int c = g.inChannels(), o = g.outChannels(), kh = g.kernelH(), kw = g.kernelW();
            t = ConvPlan.flipped(g);
            float[] flipped = new float[c * o * kh * kw];
            for (int oc = 0; oc < o; oc++)
                for (int ic = 0; ic < c; ic++)
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++)
                            flipped[((ic * o + oc) * kh + i) * kw + j] = w[((oc * c + ic) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
            packed = packWeightsRows(t, flipped);
            inAt = Conv3x3Rows.inputOffsets(t);
            planes = Conv3x3Rows.planeOffsets(t);
            xStride = c * g.inH() * g.inW();
            yStride = o * g.outH() * g.outW();
        }

        int workFloats() {
            return Conv3x3Rows.workFloats(t);
        }

        /** Image n's input gradient, with {@link #workFloats} floats of work area at the start of buf. */
        void image(float[] dy, int n, float[] dx, boolean accumulate, float[] buf) {
            Conv3x3Rows.image(t, packed, dy, n * yStride, dx, n * xStride, accumulate, buf, inAt, planes);
        }
    }

    /**
     * {@link #backwardData} and {@link #backwardWeights} together (dx as backwardData's, dw added to).
     * A layer whose plan runs both through the row kernel and the 3×3 weight-gradient tiles, with an
     * image per thread, runs both image by image in one sweep: the weight gradient transposes each
     * image's dy right after the input gradient read it, while it is still in cache (apart, every
     * image's dy came from memory twice; 1% of a ResNet-20 training step). Same results as the two
     * calls, bit for bit.
     */
    public static void backward(ConvGeometry g, float[] x, float[] dy, float[] w, float[] dx, boolean accumulate, float[] dw) {
        ConvPlan plan = ConvPlan.of(g);
        if (plan.inputGradient() != ConvPlan.Path.ROW_KERNEL || plan.weightGradient() != ConvPlan.WeightPath.TAPS_3X3
                || g.batch() < Parallel.threads()) {
            backwardData(g, dy, w, dx, accumulate);
            backwardWeights(g, x, dy, dw);
            return;
        }
        KernelChecks.length("x", x, g.inputSize());
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("w", w, g.weightSize());
        KernelChecks.length("dx", dx, g.inputSize());
        KernelChecks.length("dw", dw, g.weightSize());
        final DataGradAsConvolution data = new DataGradAsConvolution(g, w);
        final int wSize = g.weightSize(), batch = g.batch(), dataWork = data.workFloats();
        final int chunks = weightGradChunks(batch, Conv3x3WeightGrad.pixels(g)), work = dataWork + Conv3x3WeightGrad.workFloats(g);
        final float[] partial = new float[chunks * wSize];
        final int[] at = Conv3x3WeightGrad.pixelOffsets(g);
        forEachTask(chunks, batch, c -> {
            int from = (int) ((long) batch * c / chunks), to = (int) ((long) batch * (c + 1) / chunks);
            float[] buf = Scratch.floats(work);
            for (int n = from; n < to; n++) {
                data.image(dy, n, dx, accumulate, buf);
                Conv3x3WeightGrad.image(g, x, dy, n, n == from, partial, c * wSize, buf, dataWork, at);
            }
        });
        addWeightGrad3x3(g, partial, chunks, dw);
    }

    /** dw += correlation of x and dy (summed over the batch). */
    public static void backwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        KernelChecks.length("x", x, g.inputSize());
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("dw", dw, g.weightSize());
        ConvPlan.WeightPath path = ConvPlan.of(g).weightGradient();
        if (path == ConvPlan.WeightPath.SCALAR) {
            ConvScalar.backwardWeights(g, x, dy, dw);
            return;
        }
        if (path == ConvPlan.WeightPath.TAPS_3X3) {
            backwardWeights3x3(g, x, dy, dw);
            return;
        }
        final int o = g.outChannels(), k = kRows(g), p = g.outH() * g.outW(), wSize = o * k;
        final int xStride = g.inChannels() * g.inH() * g.inW(), yStride = o * p;
        final WeightGradLayout lay = WeightGradLayout.of(g);
        final int batch = g.batch(), chunks = weightGradChunks(batch, lay.len);
        // partial[c] = Σ over chunk c's images, fed to WeightGradDot in groups small enough that a
        // tile's dy rows stay in L1; it keeps lane sums between groups and writes after the last.
        final float[] partial = new float[chunks * wSize];
        final int group = Math.max(1, Math.min(WEIGHT_GRAD_L1_FLOATS / (4 * lay.len), weightGradGroupFloats / lay.stride));
        forEachTask(chunks, batch, c -> {
            int from = (int) ((long) batch * c / chunks), to = (int) ((long) batch * (c + 1) / chunks);
            for (int g0 = from; g0 < to; g0 += group) {
                int images = Math.min(group, to - g0);
                float[] buf = Scratch.floats(images * lay.stride);
                for (int i = 0; i < images; i++) lay.lower(g, x, (g0 + i) * xStride, dy, (g0 + i) * yStride, buf, i * lay.stride);
                WeightGradDot.compute(o, k, lay.len, images, buf, lay.stride, lay.bOff, lay.rowOff, g0 == from, g0 + images >= to, partial, c * wSize);
            }
        });
        addChunks(dw, partial, 0, chunks, wSize);
    }

    /**
     * dst[i] += partial[c·size + i] for c from c0 to chunks − 1, in chunk order, i < size: element-parallel,
     * so deterministic for any thread count.
     */
    private static void addChunks(float[] dst, float[] partial, int c0, int chunks, int size) {
        Parallel.forRange(size, 4096, (from, to) -> {
            for (int c = c0; c < chunks; c++) KernelVectors.addTo(dst, from, partial, c * size + from, to - from);
        });
    }

    /**
     * {@link #backwardWeights} of a 3×3 layer through {@link Conv3x3WeightGrad}: each chunk of
     * images sums into its own partial (laid out input channel, tap, output channel), the partials are
     * added in chunk order and the total is added to dw in its OIHW order. The chunk count comes from
     * {@link #weightGradChunks} only as a shape-fixed split (this kernel has no horizontal sums to amortize).
     */
    private static void backwardWeights3x3(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        final int wSize = g.weightSize(), batch = g.batch();
        final int chunks = weightGradChunks(batch, Conv3x3WeightGrad.pixels(g));
        final float[] partial = new float[chunks * wSize];
        forEachTask(chunks, batch, c -> Conv3x3WeightGrad.chunk(g, x, dy, (int) ((long) batch * c / chunks),
                (int) ((long) batch * (c + 1) / chunks), partial, c * wSize));
        addWeightGrad3x3(g, partial, chunks, dw);
    }

    /** dw += the chunks' partials of {@link Conv3x3WeightGrad#chunk}, added in chunk order, in dw's OIHW order. */
    private static void addWeightGrad3x3(ConvGeometry g, float[] partial, int chunks, float[] dw) {
        addChunks(partial, partial, 1, chunks, g.weightSize()); // into chunk 0's partial
        Parallel.forRange(g.outChannels(), 16, (from, to) -> Conv3x3WeightGrad.addTransposed(g, partial, 0, dw, from, to));
    }

    /**
     * Weight-gradient chunks for a batch whose images give len columns each: at most
     * {@link #WEIGHT_GRAD_CHUNKS}, but at least {@link #WEIGHT_GRAD_CHUNK_COLUMNS} columns a chunk
     * (and no fewer than 4 chunks, to keep two threads busy). Every chunk ends in 16-lane horizontal
     * sums for each weight, which for short rows cost as much as the chunk's FMAs: ResNet-20's 64→64
     * layer at 7×7 (len 64), batch 128, 2 threads, best of 60: 16 chunks 73 GFLOP/s, 4 chunks 102.
     * Depends on the shape only, so results stay the same for any thread count.
     */
    static int weightGradChunks(int batch, int len) {
        int byColumns = (int) Math.max(4, (long) batch * len / WEIGHT_GRAD_CHUNK_COLUMNS);
        return Math.min(batch, Math.min(WEIGHT_GRAD_CHUNKS, byColumns));
    }

    /** Fewest columns (images × len) a weight-gradient chunk should sum before its horizontal sums. */
    private static final int WEIGHT_GRAD_CHUNK_COLUMNS = 2048;

    /** db += dy summed over N, H, W. */
    public static void backwardBias(ConvGeometry g, float[] dy, float[] db) {
        KernelChecks.length("dy", dy, g.outputSize());
        KernelChecks.length("db", db, g.outChannels());
        if (!VectorWidth.VECTOR) {
            ConvScalar.backwardBias(g, dy, db);
            return;
        }
        final int o = g.outChannels(), p = g.outH() * g.outW(), batch = g.batch();
        // Per channel, planes summed in a fixed order (in double): deterministic for any thread count.
        Parallel.forRange(o, 4, (from, to) -> {
            for (int c = from; c < to; c++) {
                double s = 0;
                for (int n = 0; n < batch; n++) s += KernelVectors.sum(dy, (n * o + c) * p, p);
                db[c] += (float) s;
            }
        });
    }

    /** The epilogue in place over one image's planes (o planes of p at yOff). */
    private static void epilogue(float[] bias, float[] residual, boolean relu, float[] y, int yOff, int o, int p) {
        if (bias == null && residual == null && !relu) return;
        for (int c = 0; c < o; c++) {
            int off = yOff + c * p;
            KernelVectors.copyEpilogue(y, off, y, off, p, bias != null, bias == null ? 0f : bias[c], residual, off, relu);
        }
    }

    private static int kRows(ConvGeometry g) {
        return g.inChannels() * g.kernelH() * g.kernelW();
    }

    private static void forEachImage(int batch, java.util.function.IntConsumer body) {
        forEachTask(batch, batch, body);
    }

    /**
     * Runs tasks over the pool when there are enough images to keep every thread busy;
     * otherwise serially on the caller so that each GEMM may parallelize internally.
     */
    private static void forEachTask(int tasks, int images, java.util.function.IntConsumer body) {
        if (images < Parallel.threads()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
        } else {
            Parallel.forEach(tasks, body);
        }
    }
}
