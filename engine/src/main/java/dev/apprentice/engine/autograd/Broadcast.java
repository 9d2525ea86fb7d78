package dev.apprentice.engine.autograd;

import dev.apprentice.engine.tensor.Shape;

/**
 * Index arithmetic for numpy-style broadcasting: maps each element of the broadcast output to
 * the element of an operand, and sums output gradients back onto an operand's shape.
 */
final class Broadcast {
    private Broadcast() {}

    /** Row-major strides of shape aligned to outShape's rank, 0 where the operand broadcasts. */
    static int[] strides(int[] shape, int[] outShape) {
        int r = outShape.length, off = r - shape.length;
        int[] s = new int[r];
        int stride = 1;
        for (int i = r - 1; i >= 0; i--) {
            int d = i < off ? 1 : shape[i - off];
            s[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return s;
    }

    /** For each output element i, the index into the operand (length = size of outShape). */
    static int[] indexMap(int[] shape, int[] outShape) {
        int n = Shape.size(outShape), r = outShape.length;
        int[] st = strides(shape, outShape);
        int[] map = new int[n];
        int[] pos = new int[r];
        int idx = 0;
        for (int i = 0; i < n; i++) {
            map[i] = idx;
            for (int d = r - 1; d >= 0; d--) { // odometer step
                pos[d]++;
                idx += st[d];
                if (pos[d] < outShape[d]) break;
                idx -= st[d] * pos[d];
                pos[d] = 0;
            }
        }
        return map;
    }

    /** target[map[i]] += src[i]: the gradient of a broadcast operand. */
    static void scatterAdd(float[] src, int[] map, float[] target) {
        for (int i = 0; i < src.length; i++) target[map[i]] += src[i];
    }
}
