/**
 * A small layer over JCuda's driver API: one-line availability probing, the device's primary
 * context, PTX modules, device buffers freed deterministically, kernel launches, and CUDA errors
 * as {@link dev.apprentice.cudakernels.driver.CudaException} messages.
 */
package dev.apprentice.cudakernels.driver;
