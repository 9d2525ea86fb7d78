package dev.apprentice.cudakernels;

/** The PTX files build-ptx.sh generates from src/main/cuda/*.cu, committed as resources. */
public enum PtxModule {
    /** lowbit_kernels.cu: tiled implicit-GEMM convolution and small-batch GEMV on packed weights. */
    LOWBIT("lowbit_kernels"),
    /** float_kernels.cu: F32 direct convolution, fp32 GEMM baseline, pooling + classifier. */
    FLOAT("float_kernels");

    /** Class-path folder of the PTX files and their checksum sidecar. */
    public static final String RESOURCE_DIR = "/dev/apprentice/cudakernels/";
    /** The sidecar build-ptx.sh writes: SHA-256 of every source and every PTX file. */
    public static final String CHECKSUMS = RESOURCE_DIR + "kernels.sha256";

    /** Base name of the .cu source and of the .ptx resource. */
    public final String baseName;

    PtxModule(String baseName) {
        this.baseName = baseName;
    }

    public String resource() {
        return RESOURCE_DIR + baseName + ".ptx";
    }
}
