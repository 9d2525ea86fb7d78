package dev.apprentice.engine.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.List;
import java.util.Locale;

/**
 * The one place that decides how wide the kernels' vectors are: read once, when the first kernel
 * class loads, from the machine (the JVM's preferred species: 512 bits with AVX-512, 256 with
 * AVX2, 128 with ARM NEON or SSE) or from the {@value #PROPERTY} system property
 * ({@code 512|256|128|scalar|auto}). Kernels copy the species into their own {@code static final}
 * fields, so C2 folds lane counts into constants.
 *
 * <p>One species per element type for the whole process: a second float shape (256-bit loops for
 * short rows beside 512-bit kernels, say) makes the JDK's shared vector methods see two receiver
 * classes; C2 then compiles them with type checks whose merged results it cannot keep in registers,
 * and some JIT runs boxed every vector of a hot kernel (a ResNet training step 3× slower).
 *
 * <p>A species the hardware lacks is not compiled to vector instructions: its operations run as
 * Java objects, 50-100× slower. So a width above the machine's is refused (the machine's is used,
 * with a warning), and where no vector code is compiled at all (the interpreter, C1 only, vectors
 * under 128 bits) the kernels run their plain scalar twins ({@link #VECTOR} false).
 */
public final class VectorWidth {
    /** System property overriding the width: 512, 256, 128, scalar or auto (the default). */
    public static final String PROPERTY = "apprentice.vector.bits";

    /** Whether kernels run Vector API code; false: their scalar twins. */
    public static final boolean VECTOR;
    /** Width of the kernels' vectors in bits (512, 256 or 128); the machine's width when {@link #VECTOR} is false. */
    public static final int BITS;
    /** Float lanes per vector: 16, 8 or 4. */
    public static final int FLOAT_LANES;
    /**
     * Vector registers the JIT can allocate: 32 with AVX-512 (EVEX) or on ARM, 16 with AVX2 or
     * SSE. Register-blocked kernels size their accumulator tiles from it.
     */
    public static final int REGISTERS;
    /** The kernels' species of each element type, all {@link #BITS} wide. */
    public static final VectorSpecies<Float> FLOATS;
    public static final VectorSpecies<Integer> INTS;
    public static final VectorSpecies<Short> SHORTS;
    public static final VectorSpecies<Byte> BYTES;
    /** Why the shape is what it is, for logs and the CLI's header. */
    private static final String REASON;

    static {
        Choice c = choose(System.getProperty(PROPERTY, "auto"), FloatVector.SPECIES_PREFERRED.vectorBitSize(), scalarReason(), registers());
        VECTOR = c.vector;
        BITS = c.bits;
        REGISTERS = c.registers;
        REASON = c.reason;
        jdk.incubator.vector.VectorShape shape = jdk.incubator.vector.VectorShape.forBitSize(BITS);
        FLOATS = FloatVector.SPECIES_128.withShape(shape);
        INTS = IntVector.SPECIES_128.withShape(shape);
        SHORTS = ShortVector.SPECIES_128.withShape(shape);
        BYTES = ByteVector.SPECIES_128.withShape(shape);
        FLOAT_LANES = FLOATS.length();
        if (c.warning != null) System.err.println("warning: " + c.warning);
    }

    private VectorWidth() {}

    /** The outcome of {@link #choose}: width, registers, whether vectors run, and why. */
    record Choice(boolean vector, int bits, int registers, String reason, String warning) {}

    /**
     * The shape for a requested width given the machine's preferred width in bits, the reason no
     * vector code would be compiled (null when it would be), and the register count.
     */
    static Choice choose(String requested, int machineBits, String noVectorCode, int registers) {
        String r = requested.trim().toLowerCase(Locale.ROOT);
        int usable = Math.max(128, Math.min(512, machineBits));
        if (r.equals("scalar"))
            return new Choice(false, usable, registers, "scalar kernels (" + PROPERTY + "=scalar)", null);
        if (noVectorCode != null)
            return new Choice(false, usable, registers, "scalar kernels (" + noVectorCode + ")", null);
        if (machineBits < 128)
            return new Choice(false, usable, registers, "scalar kernels (the JVM offers " + machineBits + "-bit vectors)", null);
        if (r.equals("auto") || r.isEmpty())
            return new Choice(true, usable, registers, usable + "-bit vectors (the machine's)", null);
        int bits;
        try {
            bits = Integer.parseInt(r);
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits != 512 && bits != 256 && bits != 128)
            throw new IllegalArgumentException(PROPERTY + " must be 512, 256, 128, scalar or auto, got '" + requested + "'");
        if (bits > usable)
            return new Choice(true, usable, registers, usable + "-bit vectors (the machine's)",
                    bits + "-bit vectors were asked for, but this machine's JVM compiles " + usable + "-bit vectors at most; using " + usable);
        return new Choice(true, bits, registers, bits + "-bit vectors (" + PROPERTY + "=" + r + ")", null);
    }

    /** One line for logs: "256-bit vectors (the machine's), 8 floats a vector, 16 registers". */
    public static String describe() {
        return VECTOR ? REASON + ", " + FLOAT_LANES + " floats a vector, " + REGISTERS + " registers" : REASON;
    }

    /** Why this JVM compiles no vector code (interpreter only, or C1 only), or null when it does. */
    private static String scalarReason() {
        RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
        List<String> args = rt.getInputArguments();
        if (args.contains("-Xint") || String.valueOf(System.getProperty("java.vm.info")).contains("interpreted"))
            return "the JVM runs interpreted (-Xint)";
        String level = vmOption("TieredStopAtLevel");
        String tiered = vmOption("TieredCompilation");
        if (level != null && "true".equals(tiered) && Integer.parseInt(level) < 4)
            return "the JVM stops at compiler tier " + level + ": only C2 compiles vector code";
        String support = vmOption("EnableVectorSupport");
        if ("false".equals(support)) return "the JVM's vector support is off (-XX:-EnableVectorSupport)";
        return null;
    }

    private static int registers() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            String avx = vmOption("UseAVX");
            return avx != null && Integer.parseInt(avx) >= 3 ? 32 : 16;
        }
        return 32; // aarch64 (NEON and SVE) and RISC-V V have 32 vector registers
    }

    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException e) {
            return null; // not a HotSpot JVM, or no such option here
        }
    }
}
