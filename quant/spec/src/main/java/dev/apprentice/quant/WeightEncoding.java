package dev.apprentice.quant;

/**
 * How a packed layer stores its integer weight codes q (real weight = q · weightScale[o]). Rows
 * are output channels; row o holds K = Cin·kh·kw codes in PyTorch's OIHW order
 * (k = (c·kh + ki)·kw + kj) and starts on a byte boundary, padding bits zero.
 * <ul>
 *   <li>TERNARY: q ∈ {−1, 0, +1}, 2 bits each, 4 per byte; code i of a row sits in bits
 *       2·(i mod 4) .. 2·(i mod 4)+1 of byte i/4; 00 = 0, 01 = +1, 11 = −1, 10 is invalid.</li>
 *   <li>INT4: q ∈ [−7, 7] in 4-bit two's complement, 2 per byte, low nibble first; 1000 (−8) is invalid.</li>
 *   <li>INT8: q ∈ [−127, 127], one signed byte each; −128 is invalid.</li>
 *   <li>F32: no codes; the layer keeps float weights (full-precision end layers).</li>
 * </ul>
 */
public enum WeightEncoding {
    F32(32, 0), TERNARY(2, 1), INT4(4, 7), INT8(8, 127);

    /** Bits per weight in the file. */
    public final int bits;
    /** Largest |q|. */
    public final int maxCode;

    WeightEncoding(int bits, int maxCode) {
        this.bits = bits;
        this.maxCode = maxCode;
    }

    /** The encoding for weightBits of a precision spec (2 → ternary). */
    public static WeightEncoding forBits(int weightBits) {
        return switch (weightBits) {
            case 2 -> TERNARY;
            case 4 -> INT4;
            case 8 -> INT8;
            case 32 -> F32;
            default -> throw new IllegalArgumentException("no weight encoding for " + weightBits + " bits");
        };
    }

    /** Bytes of one packed row of k codes. */
    public int rowBytes(int k) {
        if (this == F32) throw new IllegalStateException("F32 weights are not packed");
        return (int) (((long) k * bits + 7) / 8);
    }

    /** Packs codes (rows × k, row-major, each within ±maxCode) into rows × rowBytes(k) bytes. */
    public byte[] pack(int[] codes, int rows, int k) {
        int rb = rowBytes(k);
        byte[] out = new byte[Math.multiplyExact(rows, rb)];
        int perByte = 8 / bits, mask = (1 << bits) - 1;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                int q = codes[r * k + i];
                if (q < -maxCode || q > maxCode) throw new IllegalArgumentException("code " + q + " out of range for " + this);
                int at = r * rb + i / perByte, shift = bits * (i % perByte);
                out[at] |= (byte) ((q & mask) << shift);
            }
        }
        return out;
    }

    /**
     * Unpacks row r's codes into dst[0 .. k). Throws IllegalArgumentException on an invalid code
     * or non-zero padding, so a damaged file is caught when it is loaded.
     */
    public void unpackRow(byte[] packed, int r, int k, int[] dst) {
        int rb = rowBytes(k);
        int perByte = 8 / bits, mask = (1 << bits) - 1, signBit = 1 << (bits - 1);
        for (int i = 0; i < rb * perByte; i++) {
            int v = (packed[r * rb + i / perByte] >> (bits * (i % perByte))) & mask;
            int q = (v & signBit) != 0 ? v - (1 << bits) : v;
            if (i >= k) {
                if (v != 0) throw new IllegalArgumentException("row " + r + " has non-zero padding bits");
                continue;
            }
            if (q < -maxCode || q > maxCode) throw new IllegalArgumentException("row " + r + " holds invalid " + this + " code " + q + " at " + i);
            dst[i] = q;
        }
    }
}
