package dev.apprentice.cudakernels;

import dev.apprentice.cudakernels.driver.CudaContext;
import dev.apprentice.cudakernels.driver.CudaDriver;
import dev.apprentice.cudakernels.driver.DeviceBuffer;
import dev.apprentice.cudakernels.driver.KernelArgs;
import dev.apprentice.quant.packed.LowBitBackend;
import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;
import jcuda.driver.CUdeviceptr;

import java.util.ArrayList;
import java.util.List;

/**
 * The packed operators on an NVIDIA GPU (compute capability 8.0 or later), bit-identical to
 * {@link dev.apprentice.quant.packed.ReferenceBackend}: PTX kernels from src/main/cuda, launched
 * through JCuda's driver API.
 *
 * <p>Every kernel is queued on the device's default stream and returns at once; activations stay
 * in device memory from layer to layer, so a whole network runs without the host waiting for
 * the GPU until {@link #poolLinear} copies the logits back. Freed activations are recycled (see
 * {@link BufferPool}) rather than returned to the driver, which would wait for the device.
 *
 * <p>Not thread-safe: use a backend from one thread at a time (any thread: each call makes the
 * backend's context current first).
 */
public final class CudaBackend implements LowBitBackend {
    private final CudaContext context;
    private final Kernels kernels;
    private final BufferPool pool = new BufferPool();
    private final List<CudaLayer> layers = new ArrayList<>();
    private boolean closed;

    /** Opens device 0. */
    public CudaBackend() {
        this(0);
    }

    /**
     * Opens device `ordinal` and loads the kernels. Without a usable GPU this throws one
     * {@link dev.apprentice.cudakernels.driver.CudaException} whose message says why (no driver,
     * no device, too old a device or driver).
     */
    public CudaBackend(int ordinal) {
        context = CudaContext.open(ordinal);
        try {
            kernels = new Kernels();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Whether a CudaBackend can be created here (a driver, a device, compute 8.0+). Never throws. */
    public static boolean available() {
        try {
            return CudaDriver.unavailableReason() == null;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Why {@link #available()} is false (one line), or null when it is true. Never throws. */
    public static String unavailableReason() {
        try {
            return CudaDriver.unavailableReason();
        } catch (Throwable t) {
            return "no CUDA device: " + t;
        }
    }

    @Override
    public String name() {
        return "cuda (" + context.name() + ")";
    }

    /** The device this backend runs on. */
    public CudaContext device() {
        return context;
    }

    @Override
    public Layer prepare(PackedConv conv) {
        enter();
        CudaLayer layer = CudaLayer.upload(this, conv);
        layers.add(layer);
        return layer;
    }

    @Override
    public Activations upload(float[] nchw, int batch, int channels, int height, int width) {
        enter();
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || nchw.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(nchw.length + " values for " + batch + "×" + channels + "×" + height + "×" + width);
        DeviceBuffer b = pool.acquire(4L * nchw.length);
        b.copyFrom(nchw);
        return new CudaActivations(this, b, batch, channels, height, width, 0);
    }

    /**
     * Codes (0 .. 2^bits - 1, NCHW) straight to the device, for inputs that are already quantized
     * (benchmarks, tests); {@link #upload} takes the floats of an image.
     */
    public Activations uploadCodes(byte[] codes, int batch, int channels, int height, int width, int bits) {
        enter();
        if (bits < 1 || bits > 8) throw new IllegalArgumentException("codes have 1 to 8 bits, got " + bits);
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || codes.length != (long) batch * channels * height * width)
            throw new IllegalArgumentException(codes.length + " codes for " + batch + "×" + channels + "×" + height + "×" + width);
        for (byte c : codes)
            if ((c & 0xFF) > (1 << bits) - 1) throw new IllegalArgumentException("code " + (c & 0xFF) + " does not fit " + bits + " bits");
        DeviceBuffer b = pool.acquire(codes.length);
        b.copyFrom(codes);
        return new CudaActivations(this, b, batch, channels, height, width, bits);
    }

    @Override
    public Activations conv(Activations input, Layer layer, Activations residual, int outBits) {
        return conv(input, layer, residual, outBits, null);
    }

    /** {@link #conv} on a given launch plan (null: the one LaunchPlan.conv picks), so tests can run every kernel on one shape. */
    Activations conv(Activations input, Layer layer, Activations residual, int outBits, LaunchPlan forced) {
        enter();
        CudaActivations x = own(input);
        CudaLayer l = own(layer);
        CudaActivations r = residual == null ? null : own(residual);
        PackedConv c = l.source();
        checkInput(x, c);
        if (outBits < 0 || outBits > 8)
            throw new IllegalArgumentException(c.name() + ": output codes are stored as bytes: 1 to 8 bits, or 0 for floats; got " + outBits);
        ConvShape s = ConvShape.of(c, x.batch(), x.height(), x.width());
        if (r != null && (r.batch() != s.batch() || r.channels() != s.outChannels() || r.height() != s.outHeight() || r.width() != s.outWidth()))
            throw new IllegalArgumentException(c.name() + ": residual shape does not match the output");
        LaunchPlan plan = forced != null ? checkFits(forced, c) : LaunchPlan.conv(s, c.encoding());
        DeviceBuffer out = pool.acquire((long) s.outputSize() * (outBits > 0 ? 1 : 4));
        CUdeviceptr res = r == null ? null : r.buffer().pointer();
        int resBits = r == null ? -1 : r.bits();
        KernelArgs args = c.encoding() == WeightEncoding.F32
                ? KernelCalls.f32Conv(s, l.weights.pointer(), x.buffer().pointer(), x.bits(), l.scale.pointer(), l.bias.pointer(), res, resBits, out.pointer(), outBits)
                : KernelCalls.packedConv(s, l.weights.pointer(), x.buffer().pointer(), l.scale.pointer(), l.bias.pointer(), res, resBits, out.pointer(), outBits);
        try {
            kernels.launch(plan, args);
        } catch (RuntimeException e) {
            pool.release(out);
            throw e;
        }
        return new CudaActivations(this, out, s.batch(), s.outChannels(), s.outHeight(), s.outWidth(), outBits);
    }

    @Override
    public float[] poolLinear(Activations input, Layer classifier) {
        enter();
        CudaActivations x = own(input);
        CudaLayer l = own(classifier);
        PackedConv c = l.source();
        if (c.encoding() != WeightEncoding.F32 || c.kernel() != 1)
            throw new IllegalArgumentException(c.name() + ": the classifier must be an F32 layer with kernel 1");
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        long count = (long) x.batch() * c.outChannels();
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException(c.name() + ": " + count + " logits exceed 32-bit indexing");
        LaunchPlan plan = LaunchPlan.poolLinear(x.batch(), x.channels());
        DeviceBuffer logits = pool.acquire(4 * count);
        try {
            kernels.launch(plan, KernelCalls.poolLinear(x.buffer().pointer(), x.bits(), x.channels(), x.height() * x.width(),
                    l.weights.pointer(), l.scale.pointer(), l.bias.pointer(), c.outChannels(), logits.pointer()));
            float[] host = new float[(int) count];
            logits.copyTo(host); // the one wait for the GPU in a forward pass
            return host;
        } finally {
            pool.release(logits);
        }
    }

    @Override
    public void free(Activations activations) {
        enter();
        pool.release(own(activations).release());
    }

    /** Copies codes back to the host (waits for the GPU): for tests and inspection. */
    public int[] codes(Activations activations) {
        enter();
        CudaActivations a = own(activations);
        if (a.bits() == 0) throw new IllegalArgumentException("activations " + a + " hold floats, not codes");
        byte[] bytes = new byte[a.elements()];
        a.buffer().copyTo(bytes);
        int[] codes = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) codes[i] = bytes[i] & 0xFF;
        return codes;
    }

    /** Copies floats back to the host (waits for the GPU): for tests and inspection. */
    public float[] values(Activations activations) {
        enter();
        CudaActivations a = own(activations);
        if (a.bits() != 0) throw new IllegalArgumentException("activations " + a + " hold codes, not floats");
        float[] values = new float[a.elements()];
        a.buffer().copyTo(values);
        return values;
    }

    /** Waits for every queued kernel and reports the first failure among them. */
    public void synchronize() {
        enter();
        context.synchronize();
    }

    Kernels kernels() {
        enter();
        return kernels;
    }

    /** Buffers the activation pool holds (in use or idle): lets tests see that frees recycle. */
    int pooledBuffers() {
        return pool.allocated();
    }

    /** Frees all device memory of this backend (layers and activations) and releases the device. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (AutoCloseable part : closeOrder()) {
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
        }
        if (first != null) throw first;
    }

    private List<AutoCloseable> closeOrder() {
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(context::makeCurrent);
        parts.addAll(layers);
        parts.add(pool);
        parts.add(kernels);
        parts.add(context);
        layers.clear();
        return parts;
    }

    private void enter() {
        if (closed) throw new IllegalStateException("this CudaBackend is closed");
        context.makeCurrent();
    }

    private CudaActivations own(Activations a) {
        if (!(a instanceof CudaActivations ca) || ca.owner != this)
            throw new IllegalArgumentException("activations " + a + " do not belong to this CUDA backend");
        return ca;
    }

    private CudaLayer own(Layer l) {
        if (!(l instanceof CudaLayer cl) || cl.owner != this)
            throw new IllegalArgumentException("layer " + (l == null ? "null" : l.source().name()) + " was not prepared by this CUDA backend");
        return cl;
    }

    /** A forced plan must run a kernel made for the layer's weights. */
    private static LaunchPlan checkFits(LaunchPlan plan, PackedConv c) {
        KernelId k = plan.kernel();
        boolean fits = c.encoding() == WeightEncoding.F32 ? k.equals(KernelId.CONV_F32)
                : k.equals(KernelId.gemm(c.encoding())) || plan.rowsPerBlock() > 0 && k.equals(KernelId.gemv(c.encoding(), plan.rowsPerBlock()));
        if (!fits) throw new IllegalArgumentException(k + " cannot run " + c);
        return plan;
    }

    private static void checkInput(CudaActivations x, PackedConv c) {
        if (x.channels() != c.inChannels())
            throw new IllegalArgumentException(c.name() + " takes " + c.inChannels() + " channels, input has " + x.channels());
        if (x.bits() != c.inBits())
            throw new IllegalArgumentException(c.name() + " expects " + (c.inBits() == 0 ? "float" : c.inBits() + "-bit code") + " input, got "
                    + (x.bits() == 0 ? "floats" : x.bits() + "-bit codes"));
    }
}
