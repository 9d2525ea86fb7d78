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
    private final List<String> types = new ArrayList<>();

    /** A device pointer; null passes a null pointer (an absent residual). */
    public KernelArgs pointer(CUdeviceptr p) {
        values.add(Pointer.to(p == null ? NULL : p));
        types.add("u64");
        return this;
    }

    public KernelArgs i32(int v) {
        values.add(Pointer.to(new int[] {v}));
        types.add("u32");
        return this;
    }

    public KernelArgs f32(float v) {
        values.add(Pointer.to(new float[] {v}));
        types.add("f32");
        return this;
    }

    /** A struct of ints passed by value. */
    public KernelArgs struct(int[] fields) {
        values.add(Pointer.to(fields.clone()));
        types.add("b8[" + 4 * fields.length + "]");
        return this;
    }

    /**
     * The parameters' PTX types in order ("u64" a pointer, "u32" an int, "f32" a float, "b8[n]" a
     * struct of n bytes): what the kernel's .entry declares, if Java and CUDA agree.
     */
    public List<String> ptxTypes() {
        return List.copyOf(types);
    }

    Pointer toPointer() {
        return Pointer.to(values.toArray(new Pointer[0]));
    }
}
