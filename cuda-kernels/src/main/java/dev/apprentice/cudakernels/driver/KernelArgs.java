package dev.apprentice.cudakernels.driver;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter list of one kernel launch, in the kernel's parameter order: cuLaunchKernel takes
 * an array of pointers, each to one parameter's value (a struct passed by value is a pointer to
 * its bytes, here an int array).
 */
public final class KernelArgs {
    private static final CUdeviceptr NULL = new CUdeviceptr();
    private final List<Pointer> values = new ArrayList<>();

    public KernelArgs buffer(DeviceBuffer b) {
        values.add(Pointer.to(b.pointer()));
        return this;
    }

    /** A device pointer that may be null (an absent residual). */
    public KernelArgs bufferOrNull(DeviceBuffer b) {
        values.add(Pointer.to(b == null ? NULL : b.pointer()));
        return this;
    }

    public KernelArgs i32(int v) {
        values.add(Pointer.to(new int[] {v}));
        return this;
    }

    public KernelArgs f32(float v) {
        values.add(Pointer.to(new float[] {v}));
        return this;
    }

    /** A struct of ints passed by value. */
    public KernelArgs struct(int[] fields) {
        values.add(Pointer.to(fields.clone()));
        return this;
    }

    public int count() {
        return values.size();
    }

    Pointer toPointer() {
        return Pointer.to(values.toArray(new Pointer[0]));
    }
}
