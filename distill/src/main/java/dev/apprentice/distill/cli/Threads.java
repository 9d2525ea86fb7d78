package dev.apprentice.distill.cli;

import dev.apprentice.engine.parallel.Parallel;
import picocli.CommandLine.Option;

import java.util.Set;

/** The --threads and --vector-bits options shared by every command that computes. */
final class Threads {
    /** The system property the kernels read their width from (see dev.apprentice.engine.vector.VectorWidth). */
    static final String VECTOR_BITS_PROPERTY = "apprentice.vector.bits";
    private static final Set<String> WIDTHS = Set.of("512", "256", "128", "scalar", "auto");

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads for the kernels (default: all cores, ${DEFAULT-VALUE} here).",
            defaultValue = "${sys:apprentice.cores}")
    int threads;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    static {
        System.setProperty("apprentice.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Sets the kernels' width before any kernel class loads (options are parsed first): the kernels
     * read it once, when the first of them initializes.
     */
    @Option(names = "--vector-bits", paramLabel = "512|256|128|scalar",
            description = "Vector width of the kernels: by default the widest this machine's JVM compiles (AVX-512: 512, AVX2: 256, ARM NEON: 128). "
                    + "A narrower width or 'scalar' (the plain Java kernels) is for comparison and diagnosis; a wider one than the machine has is refused with a warning.")
    void vectorBits(String bits) {
        String b = bits.trim().toLowerCase(java.util.Locale.ROOT);
        if (!WIDTHS.contains(b))
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--vector-bits must be 512, 256, 128 or scalar, got '" + bits + "'");
        System.setProperty(VECTOR_BITS_PROPERTY, b);
    }

    /** Threads per core above which --threads is taken for a mistake: kernel threads beyond the cores only take turns. */
    static final int MAX_THREADS_PER_CORE = 4;

    void apply() {
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        int cores = Runtime.getRuntime().availableProcessors(), used = threads;
        if (threads > MAX_THREADS_PER_CORE * cores) {
            used = cores;
            System.err.printf("warning: --threads %d on %d cores would make the kernels' threads fight over the cores; using %d%n", threads, cores, used);
        } else if (threads > cores) {
            System.err.printf("warning: --threads %d is more than the %d cores; the kernels run fastest with at most %d%n", threads, cores, cores);
        }
        Parallel.setThreads(used);
    }

    /** "2 threads, 512-bit vectors (the machine's), 16 floats a vector, 32 registers": for run headers. */
    static String describe() {
        return Parallel.threads() + " threads, " + dev.apprentice.engine.vector.VectorWidth.describe();
    }
}
