package dev.apprentice.quant.cpu;

import dev.apprentice.engine.vector.VectorWidth;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The bytes that hold one float vector's worth of activation codes, for the kernels that move codes to and from float lanes. */
final class CodeBytes {
    /** Bytes for L codes (L = floats a vector): L lanes, or 8 with only the first L used where L = 4 (there is no 32-bit species). */
    static final VectorSpecies<Byte> SPECIES = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * VectorWidth.FLOATS.length())));
    /** The lanes of SPECIES that hold codes: all of them but where L = 4. */
    static final VectorMask<Byte> LANES = VectorMask.fromLong(SPECIES, (1L << VectorWidth.FLOATS.length()) - 1);
    /** Whether SPECIES has lanes past the codes. */
    static final boolean PARTIAL = SPECIES.length() > VectorWidth.FLOATS.length();

    private CodeBytes() {}
}
