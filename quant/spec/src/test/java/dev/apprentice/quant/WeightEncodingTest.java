package dev.apprentice.quant;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WeightEncodingTest {
    private static final WeightEncoding[] PACKED = {WeightEncoding.TERNARY, WeightEncoding.INT4, WeightEncoding.INT8};

    @Test
    void packThenUnpackGivesTheCodesBack() {
        Random rng = new Random(1);
        for (WeightEncoding e : PACKED) {
            for (int k : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 64, 65, 143}) {
                int rows = 3;
                int[] codes = new int[rows * k];
                for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(2 * e.maxCode + 1) - e.maxCode;
                byte[] packed = e.pack(codes, rows, k);
                assertEquals(rows * e.rowBytes(k), packed.length);
                int[] row = new int[k];
                for (int r = 0; r < rows; r++) {
                    e.unpackRow(packed, r, k, row);
                    int[] expected = new int[k];
                    System.arraycopy(codes, r * k, expected, 0, k);
                    assertArrayEquals(expected, row, e + " k=" + k + " row " + r);
                }
            }
        }
    }

    @Test
    void bitLayoutIsTheDocumentedOne() {
        // ternary: code i in bits 2(i mod 4); +1 = 01, -1 = 11
        assertArrayEquals(new byte[] {(byte) 0b00_11_00_01}, WeightEncoding.TERNARY.pack(new int[] {1, 0, -1, 0}, 1, 4));
        // int4: low nibble first, two's complement
        assertArrayEquals(new byte[] {(byte) 0x97}, WeightEncoding.INT4.pack(new int[] {7, -7}, 1, 2));
        assertArrayEquals(new byte[] {(byte) 0x81, 0x7f}, WeightEncoding.INT8.pack(new int[] {-127, 127}, 1, 2));
    }

    @Test
    void rejectsInvalidCodes() {
        int[] row = new int[4];
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.TERNARY.unpackRow(new byte[] {0b10}, 0, 4, row));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.TERNARY.unpackRow(new byte[] {(byte) 0b10_00_00_00}, 0, 4, row));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT4.unpackRow(new byte[] {0x08, 0}, 0, 4, row));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT4.unpackRow(new byte[] {(byte) 0x80, 0}, 0, 4, row));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT8.unpackRow(new byte[] {0, (byte) 0x80, 0, 0}, 0, 4, row));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.TERNARY.pack(new int[] {2}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT4.pack(new int[] {-8}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT8.pack(new int[] {-128}, 1, 1));
    }

    @Test
    void rejectsNonZeroPadding() {
        int[] row = new int[3];
        // 3 ternary codes use bits 0..5; bits 6..7 are padding
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.TERNARY.unpackRow(new byte[] {(byte) 0b01_00_00_00}, 0, 3, row));
        // 3 int4 codes use one and a half bytes; the high nibble of byte 1 is padding
        assertThrows(IllegalArgumentException.class, () -> WeightEncoding.INT4.unpackRow(new byte[] {0, 0x10}, 0, 3, row));
        WeightEncoding.INT4.unpackRow(new byte[] {0, 0x01}, 0, 3, row);
        assertArrayEquals(new int[] {0, 0, 1}, row);
    }
}
