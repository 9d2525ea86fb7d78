package dev.apprentice.cudakernels;

import dev.apprentice.quant.WeightEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuWeightLayoutTest {

    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"TERNARY", "INT4", "INT8"})
    void repackThenUnpackGivesTheFileRowsBack(WeightEncoding e) {
        Random r = new Random(e.ordinal());
        for (int k : new int[] {1, 3, 4, 15, 16, 17, 27, 63, 64, 65, 144, 577, 1000}) {
            int rows = 1 + r.nextInt(9);
            int[] codes = new int[rows * k];
            for (int i = 0; i < codes.length; i++) codes[i] = r.nextInt(2 * e.maxCode + 1) - e.maxCode;
            byte[] file = e.pack(codes, rows, k);
            int[] words = GpuWeightLayout.repack(e, file, rows, k);
            assertEquals(rows * GpuWeightLayout.rowWords(e, k), words.length);
            int[][] back = GpuWeightLayout.unpack(e, words, rows, k);
            int[] row = new int[k];
            for (int o = 0; o < rows; o++) {
                e.unpackRow(file, o, k, row);
                assertArrayEquals(row, back[o], e + " k=" + k + " row " + o);
            }
        }
    }

    @Test
    void rowsArePaddedToWholeSixteenByteChunks() {
        assertEquals(4, GpuWeightLayout.rowWords(WeightEncoding.TERNARY, 1));
        assertEquals(4, GpuWeightLayout.rowWords(WeightEncoding.TERNARY, 64));
        assertEquals(8, GpuWeightLayout.rowWords(WeightEncoding.TERNARY, 65));
        assertEquals(12, GpuWeightLayout.rowWords(WeightEncoding.TERNARY, 144)); // 16·9: 9 words → 12
        assertEquals(20, GpuWeightLayout.rowWords(WeightEncoding.INT4, 144));     // 18 words → 20
        assertEquals(36, GpuWeightLayout.rowWords(WeightEncoding.INT8, 144));     // 36 words
        for (WeightEncoding e : new WeightEncoding[] {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8})
            for (int k = 1; k < 300; k++) {
                int words = GpuWeightLayout.rowWords(e, k);
                assertEquals(0, words % 4);
                assertTrue(words * GpuWeightLayout.codesPerWord(e) >= k && (words - 4) * GpuWeightLayout.codesPerWord(e) < k, e + " k=" + k);
            }
    }

    @Test
    void ternaryCodeFourGPlusISitsInByteIAtBitTwoG() {
        // codes of word 0: j = 0 .. 15; put +1 at j = 1 (g 0, i 1), -1 at j = 6 (g 1, i 2), +1 at j = 15 (g 3, i 3)
        int[] codes = new int[16];
        codes[1] = 1;
        codes[6] = -1;
        codes[15] = 1;
        int[] words = GpuWeightLayout.repack(WeightEncoding.TERNARY, WeightEncoding.TERNARY.pack(codes, 1, 16), 1, 16);
        int expected = (0b01 << 8) | (0b11 << (16 + 2)) | (0b01 << (24 + 6));
        assertEquals(expected, words[0]);
        assertEquals(0, words[1] | words[2] | words[3]);
    }

    @Test
    void int4CodeFourGPlusISitsInByteIAtBitFourG() {
        int[] codes = {7, 0, 0, -7, -1, 0, 0, 3}; // j = 0 (g0 i0), 3 (g0 i3), 4 (g1 i0), 7 (g1 i3)
        int[] words = GpuWeightLayout.repack(WeightEncoding.INT4, WeightEncoding.INT4.pack(codes, 1, 8), 1, 8);
        int expected = 0x7 | (0x9 << 24) | (0xF << 4) | (0x3 << 28);
        assertEquals(expected, words[0]);
    }

    @Test
    void int8KeepsTheFilesByteOrder() {
        int[] codes = {-127, 5, 127, -1, 9};
        int[] words = GpuWeightLayout.repack(WeightEncoding.INT8, WeightEncoding.INT8.pack(codes, 1, 5), 1, 5);
        assertEquals(0xFF7F0581, words[0]);
        assertEquals(9, words[1]);
    }

    @Test
    void damagedFileRowsAreRefused() {
        byte[] invalidTernary = {(byte) 0b10}; // code 10 does not exist
        assertThrows(IllegalArgumentException.class, () -> GpuWeightLayout.repack(WeightEncoding.TERNARY, invalidTernary, 1, 4));
        byte[] int4MinusEight = {(byte) 0x08};
        assertThrows(IllegalArgumentException.class, () -> GpuWeightLayout.repack(WeightEncoding.INT4, int4MinusEight, 1, 2));
        byte[] paddingSet = {(byte) 0b0100_0000}; // k = 3: the fourth code is padding
        assertThrows(IllegalArgumentException.class, () -> GpuWeightLayout.repack(WeightEncoding.TERNARY, paddingSet, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> GpuWeightLayout.rowWords(WeightEncoding.F32, 3));
    }

    @Test
    void unpackRefusesCodesInThePadding() {
        int[] words = new int[4];
        words[3] = 1 << 8; // code 13 of word 3 of a k = 5 ternary row
        assertThrows(IllegalArgumentException.class, () -> GpuWeightLayout.unpack(WeightEncoding.TERNARY, words, 1, 5));
    }

    @Test
    void kernelsReadTheVersionJavaWrites() throws java.io.IOException {
        String header = java.nio.file.Files.readString(ModuleFiles.cudaSources().resolve("ak_weights.h"));
        assertTrue(header.contains("#define AK_GPU_LAYOUT_VERSION " + GpuWeightLayout.VERSION + "\n"),
                "ak_weights.h and GpuWeightLayout.VERSION disagree");
    }
}
