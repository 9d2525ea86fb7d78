package dev.apprentice.cudakernels.driver;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Locale;

/**
 * Finds out, once per process, whether CUDA can run here, and says why not in one sentence:
 * "no CUDA device: libcuda.so.1 not found", "CUDA driver found but no device", ... It looks
 * for the driver library itself before letting JCuda load its JNI binding, because JCuda's own
 * failure is a page of nested native-library stack traces.
 *
 * <p>After a successful probe JCuda runs with exceptions disabled: every driver call's result is
 * checked by {@link #check}, which turns it into a {@link CudaException} naming the call.
 */
public final class CudaDriver {
    /** The kernels' PTX declares ISA 7.0, which drivers load from CUDA 11.0 (version 11000) on. */
    static final int MIN_DRIVER_VERSION = 11000;
    /** The PTX targets sm_80: Ampere or newer. */
    static final int MIN_COMPUTE_MAJOR = 8;

    private static final Object LOCK = new Object();
    private static boolean probed;
    private static String unavailable;

    private CudaDriver() {}

    /** Null when device 0 can run the kernels, else why not (one line). Never throws. */
    public static String unavailableReason() {
        synchronized (LOCK) {
            if (!probed) {
                try {
                    unavailable = probe();
                } catch (Throwable t) { // a probe must never take the caller down
                    unavailable = "no CUDA device: probing the driver failed (" + firstLine(t) + ")";
                }
                probed = true;
            }
            return unavailable;
        }
    }

    /** Throws the one-line reason unless CUDA is usable. */
    public static void requireAvailable() {
        String reason = unavailableReason();
        if (reason != null) throw new CudaException(reason);
    }

    /** Throws a {@link CudaException} naming `what` unless result is CUDA_SUCCESS. */
    public static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) throw CudaException.of(what, result);
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY (2)". */
    public static String errorName(int result) {
        return CUresult.stringFor(result) + " (" + result + ")";
    }

    private static String probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            return "no CUDA device: this build carries JCuda's binding for linux-x86_64 only, not " + os + "/" + arch;
        String missing = findDriverLibrary();
        if (missing != null) return missing;
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) { // UnsatisfiedLinkError with nested traces, or NoClassDefFoundError
            return "CUDA driver found but JCuda's native binding did not load: " + innermostLine(t);
        }
        int init = JCudaDriver.cuInit(0);
        if (init == CUresult.CUDA_ERROR_NO_DEVICE) return "CUDA driver found but no device";
        if (init != CUresult.CUDA_SUCCESS) return "CUDA driver found but cuInit failed: " + errorName(init);
        int[] value = new int[1];
        if (JCudaDriver.cuDriverGetVersion(value) == CUresult.CUDA_SUCCESS && value[0] < MIN_DRIVER_VERSION)
            return "CUDA driver " + version(value[0]) + " is too old: the kernels need a CUDA " + version(MIN_DRIVER_VERSION) + " driver or later";
        if (JCudaDriver.cuDeviceGetCount(value) != CUresult.CUDA_SUCCESS || value[0] == 0) return "CUDA driver found but no device";
        CUdevice device = new CUdevice();
        int got = JCudaDriver.cuDeviceGet(device, 0);
        if (got != CUresult.CUDA_SUCCESS) return "CUDA driver found but device 0 is not usable: " + errorName(got);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (major < MIN_COMPUTE_MAJOR)
            return "CUDA device " + deviceName(device) + " has compute capability " + major + "." + minor
                    + "; the kernels need " + MIN_COMPUTE_MAJOR + ".0 or later";
        return null;
    }

    /**
     * Null when the dynamic loader finds libcuda.so.1 (the driver's library), else the reason.
     * A restricted (native-access) call, like the JNI load JCuda does right after it.
     */
    @SuppressWarnings("restricted")
    private static String findDriverLibrary() {
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return null;
        } catch (IllegalArgumentException notFound) {
            return "no CUDA device: libcuda.so.1 not found (no NVIDIA driver on this machine)";
        } catch (IllegalCallerException nativeAccessDenied) {
            return null; // cannot look ourselves: let JCuda try, and report its first line if it fails
        }
    }

    static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    static String deviceName(CUdevice device) {
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < name.length && name[end] != 0) end++;
        return new String(name, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    /** The most specific line of a native-loading failure (e.g. "libcuda.so.1: cannot open ..."). */
    private static String innermostLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        String best = null;
        for (String line : message.split("\n")) {
            if (line.contains("cannot open shared object") || line.contains("undefined symbol")) best = line.trim();
        }
        return best != null ? best : firstLine(t);
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        if (message == null) return t.getClass().getSimpleName();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
