package dev.apprentice.nn;

import dev.apprentice.nn.resnet.ResNets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {
    @Test
    void resnet20RowsAndTotals() {
        Module m = ResNets.create("resnet20", 1, 10, 1.0, 1);
        Summary s = Summary.of(m, 1, 28, 28);
        Summary.Row first = s.rows().get(0);
        assertEquals("conv", first.name());
        assertArrayEquals(new int[] {1, 16, 28, 28}, first.outShape());
        assertEquals(144, first.params());
        assertEquals(16L * 28 * 28 * 9, first.macs()); // 16 outputs per pixel, 9 taps each
        assertEquals(m.parameterCount(), s.totalParams());
        Summary.Row last = s.rows().get(s.rows().size() - 1);
        assertEquals("fc", last.name());
        assertEquals(640, last.macs());
        // 3x3 convs: stage1 7 convs at 28², stage2 at 14², stage3 at 7² (plus the 1x1 shortcuts)
        long convs = 16L * 784 * 9 + 6 * 16L * 16 * 9 * 784 + (16L * 32 * 9 + 5 * 32L * 32 * 9 + 16 * 32) * 196
                + (32L * 64 * 9 + 5 * 64L * 64 * 9 + 32 * 64) * 49;
        assertEquals(convs + 640, s.totalMacs());
        assertTrue(s.rows().stream().anyMatch(r -> r.name().equals("layers.3.c1")), "leaf layers by their names");
        assertTrue(m.training(), "summary restores training mode");
    }
}
