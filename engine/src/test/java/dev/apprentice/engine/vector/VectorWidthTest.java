package dev.apprentice.engine.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** How the width is chosen from a request and the machine, and that this JVM's choice is consistent. */
class VectorWidthTest {
    @Test
    void theMachineWidthUnlessAskedForLess() {
        VectorWidth.Choice auto = VectorWidth.choose("auto", 512, null, 32);
        assertTrue(auto.vector());
        assertEquals(512, auto.bits());
        assertNull(auto.warning());
        assertEquals(256, VectorWidth.choose("256", 512, null, 32).bits());
        assertEquals(128, VectorWidth.choose(" 128 ", 256, null, 16).bits());
        assertEquals(16, VectorWidth.choose("128", 256, null, 16).registers());
    }

    @Test
    void neverWiderThanTheMachineCompiles() {
        VectorWidth.Choice c = VectorWidth.choose("512", 256, null, 16);
        assertTrue(c.vector());
        assertEquals(256, c.bits(), "a 512-bit species on a 256-bit machine would run as boxed objects");
        assertTrue(c.warning().contains("256"), c.warning());
    }

    @Test
    void scalarWhenAskedOrWhenNoVectorCodeIsCompiled() {
        assertFalse(VectorWidth.choose("scalar", 512, null, 32).vector());
        VectorWidth.Choice interpreted = VectorWidth.choose("auto", 512, "the JVM runs interpreted (-Xint)", 32);
        assertFalse(interpreted.vector());
        assertTrue(interpreted.reason().contains("-Xint"), interpreted.reason());
        assertFalse(VectorWidth.choose("256", 512, "C1 only", 32).vector(), "a request for vectors cannot bring C2 back");
        assertFalse(VectorWidth.choose("auto", 64, null, 16).vector(), "64-bit vectors: nothing worth vectorizing");
    }

    @Test
    void refusesWidthsThatDoNotExist() {
        var e = assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("384", 512, null, 32));
        assertTrue(e.getMessage().contains("512, 256, 128, scalar or auto"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("wide", 512, null, 32));
    }

    @Test
    void thisJvmsSpeciesAgree() {
        assertEquals(VectorWidth.BITS, VectorWidth.FLOATS.vectorBitSize());
        assertEquals(VectorWidth.BITS, VectorWidth.SHORTS.vectorBitSize());
        assertEquals(VectorWidth.BITS / 32, VectorWidth.FLOAT_LANES);
        assertTrue(VectorWidth.BITS <= Math.max(128, FloatVector.SPECIES_PREFERRED.vectorBitSize()), "never wider than the machine");
        assertTrue(VectorWidth.describe().length() > 10);
    }
}
