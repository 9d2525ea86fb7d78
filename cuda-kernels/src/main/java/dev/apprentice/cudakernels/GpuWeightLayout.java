package dev.apprentice.cudakernels;

import dev.apprentice.quant.WeightEncoding;

/**
 * The order in which the CUDA kernels read packed weight codes (src/main/cuda/ak_weights.h holds
 * the same description): a layer's file rows ({@link WeightEncoding}) are re-packed into it once,
 * when the layer is prepared.
 *
 * <p>Version 1: a row (output channel) is a run of 32-bit words, zero-padded to a multiple of 4
 * words so rows start 16-byte aligned. Word w holds the 32/bits codes k = w·perWord + j, code
 * j = 4g + i in bits [8i + bits·g, 8i + bits·g + bits) — so group g of a word unpacks with one
 * shift and one mask to four signed bytes, the operand of a dp4a against four consecutive
 * activation codes. Field values are the file's (ternary 00/01/11, int4 and int8 two's complement).
 */
public final class GpuWeightLayout {
    /** Bumped whenever the word order changes; the kernels of ak_weights.h carry the same number. */
    public static final int VERSION = 1;

    private GpuWeightLayout() {}

    /** Codes per 32-bit word: 16 ternary, 8 int4, 4 int8. */
    public static int codesPerWord(WeightEncoding encoding) {
        requirePacked(encoding);
        return 32 / encoding.bits;
    }

    /** Words per row of depth k codes, padded to a multiple of 4 (16 bytes). */
    public static int rowWords(WeightEncoding encoding, int k) {
        int words = (int) (((long) k + codesPerWord(encoding) - 1) / codesPerWord(encoding));
        return (words + 3) & ~3;
    }

    /**
     * Re-packs file rows (rows × encoding.rowBytes(k) bytes) into rows × rowWords words. Invalid
     * codes and non-zero padding in the file are rejected, as {@link WeightEncoding#unpackRow} does.
     */
    public static int[] repack(WeightEncoding encoding, byte[] fileRows, int rows, int k) {
        int rowWords = rowWords(encoding, k);
        int[] words = new int[Math.multiplyExact(rows, rowWords)];
        int[] codes = new int[k];
        for (int r = 0; r < rows; r++) {
            encoding.unpackRow(fileRows, r, k, codes);
            packRow(encoding, codes, words, r * rowWords);
        }
        return words;
    }

    /** The inverse of {@link #repack}: codes of every row (rows × k), checking that padding is zero. */
    public static int[][] unpack(WeightEncoding encoding, int[] words, int rows, int k) {
        int rowWords = rowWords(encoding, k);
        if (words.length != (long) rows * rowWords)
            throw new IllegalArgumentException(words.length + " words for " + rows + " rows of " + rowWords);
        int perWord = codesPerWord(encoding);
        int[][] codes = new int[rows][k];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < rowWords * perWord; i++) {
                int q = code(encoding, words[r * rowWords + i / perWord], i % perWord);
                if (i < k) codes[r][i] = q;
                else if (q != 0) throw new IllegalArgumentException("row " + r + " has a non-zero code in its padding at " + i);
            }
        }
        return codes;
    }

    /** Bit offset of code j (0 .. perWord-1) inside its word. */
    static int bitOffset(WeightEncoding encoding, int j) {
        return 8 * (j % 4) + encoding.bits * (j / 4);
    }

    private static void packRow(WeightEncoding encoding, int[] codes, int[] words, int start) {
        int perWord = codesPerWord(encoding), mask = (1 << encoding.bits) - 1;
        for (int i = 0; i < codes.length; i++)
            words[start + i / perWord] |= (codes[i] & mask) << bitOffset(encoding, i % perWord);
    }

    private static int code(WeightEncoding encoding, int word, int j) {
        int field = (word >>> bitOffset(encoding, j)) & ((1 << encoding.bits) - 1);
        return field >= 1 << (encoding.bits - 1) ? field - (1 << encoding.bits) : field;
    }

    private static void requirePacked(WeightEncoding encoding) {
        if (encoding == WeightEncoding.F32) throw new IllegalArgumentException("F32 weights are not packed");
    }
}
