package dev.apprentice.cudakernels.driver;

import jcuda.driver.CUresult;

/**
 * A CUDA failure as one readable sentence: what was being done, and the driver's error name.
 * Never wraps native stack traces (JCuda's own exceptions are switched off; see {@link CudaDriver}).
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The CUresult code, or 0 when the failure did not come from a driver call. */
    public final int result;

    public CudaException(String message) {
        this(message, 0);
    }

    private CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /** "what failed: CUDA_ERROR_NAME (code)" plus a hint for the errors a user can act on. */
    public static CudaException of(String what, int result) {
        String hint = switch (result) {
            case CUresult.CUDA_ERROR_OUT_OF_MEMORY -> "; the GPU is out of memory, try a smaller batch";
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                    "; the NVIDIA driver is older than the kernels' PTX ISA needs (CUDA 11.0 drivers or later)";
            case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, CUresult.CUDA_ERROR_INVALID_PTX ->
                    "; the kernels' PTX could not be compiled for this GPU (they need compute capability 8.0 or later)";
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED ->
                    "; a kernel failed, and the CUDA context can no longer be used (close the backend)";
            default -> "";
        };
        return new CudaException(what + " failed: " + CudaDriver.errorName(result) + hint, result);
    }
}
