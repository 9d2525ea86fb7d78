package dev.apprentice.cudakernels;

import dev.apprentice.quant.packed.PackedConv;
import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvShapeTest {

    @Test
    void kernelArgsFollowTheStructsFieldOrder() throws java.io.IOException {
        PackedConv c = TestLayers.packed(new Random(1), "c", WeightEncoding.INT4, 5, 7, 3, 2, 1, 8);
        ConvShape s = ConvShape.of(c, 3, 9, 8);
        assertArrayEquals(new int[] {3, 5, 9, 8, 7, 5, 4, 3, 2, 1, 45, 3 * 5 * 4, GpuWeightLayout.rowWords(WeightEncoding.INT4, 45), 0},
                s.kernelArgs());
        assertEquals(ConvShape.INTS, s.kernelArgs().length);
        // and the struct in ak_conv.h lists its fields in that order
        String header = java.nio.file.Files.readString(ModuleFiles.cudaSources().resolve("ak_conv.h"));
        int open = header.indexOf("struct AkConvShape {");
        String body = header.substring(open + "struct AkConvShape {".length(), header.indexOf("};", open))
                .replaceAll("//[^\n]*", "").replace("int ", " ");
        java.util.List<String> fields = java.util.Arrays.stream(body.split("[,;]")).map(String::trim).filter(f -> !f.isEmpty()).toList();
        assertEquals(java.util.List.of("batch", "in_c", "in_h", "in_w", "out_c", "out_h", "out_w", "kernel", "stride", "pad",
                "depth", "pixels", "row_words", "dense"), fields);
    }

    @Test
    void linearLayersWithWordAlignedRowsAreDense() {
        Random r = new Random(2);
        assertTrue(ConvShape.of(TestLayers.packed(r, "fc", WeightEncoding.TERNARY, 64, 10, 1, 1, 0, 8), 5, 1, 1).dense());
        assertTrue(!ConvShape.of(TestLayers.packed(r, "fc", WeightEncoding.TERNARY, 62, 10, 1, 1, 0, 8), 5, 1, 1).dense());
        assertTrue(!ConvShape.of(TestLayers.packed(r, "c", WeightEncoding.TERNARY, 64, 10, 1, 1, 0, 8), 5, 2, 2).dense());
        assertTrue(!ConvShape.of(TestLayers.packed(r, "c", WeightEncoding.TERNARY, 64, 10, 1, 1, 1, 8), 5, 1, 1).dense());
    }

    @Test
    void aKernelLargerThanThePaddedInputIsRefused() {
        PackedConv c = TestLayers.packed(new Random(3), "big", WeightEncoding.INT8, 2, 2, 5, 1, 0, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(c, 1, 3, 3));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void tensorsPastThirtyTwoBitIndexingAreRefusedWithAMessage() {
        PackedConv c = TestLayers.packed(new Random(4), "wide", WeightEncoding.TERNARY, 64, 64, 3, 1, 1, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(c, 4096, 128, 128));
        assertTrue(e.getMessage().contains("32-bit indexing") && e.getMessage().contains("wide"), e.getMessage());
    }
}
