#!/usr/bin/env python3
"""Writes the unrolled stride-2 kernels of FloatRowKernel (engine/src/main/java/dev/apprentice/engine/kernel), which
the repository keeps as plain Java: every vector must stay in a local, so each pixel count and tile count is its own
method. Usage: float_row_kernels.py > kernels.java, then paste over the matching methods (the output appears
verbatim in FloatRowKernel.java; compare before committing a change)."""
def kernel(name, tiles, pixels, doc):
    accs = [['a%d' % r for r in range(pixels)], ['c%d' % r for r in range(pixels)]][:tiles]
    ws = [['p0', 'p1', 'p2'], ['s0', 's1', 's2']][:tiles]
    L = []
    L.append('    /** %s */' % doc)
    L.append('    static void %s(float[] q, int ch, int taps, int tile, float[] x, int base, int rowStride, float[] sums, int sOff, int sStride) {' % name)
    L.append('        int tapFloats = ch * LANES, tileFloats = taps * tapFloats;')
    L.append('        int wa = tile * tileFloats%s;' % (', wb = wa + tileFloats' if tiles == 2 else ''))
    names = [a for t in accs for a in t]
    L.append('        FloatVector %s = FloatVector.zero(F), %s;' % (names[0], ', '.join('%s = %s' % (n, names[0]) for n in names[1:])))
    L.append('        for (int ki = 0; ki < KERNEL; ki++) {')
    L.append('            int xi = base + ki * rowStride, wi = ki * KERNEL * tapFloats;')
    L.append('            for (int c = 0; c < ch; c++, xi++, wi += LANES) {')
    for t in range(tiles):
        w = 'wa' if t == 0 else 'wb'
        L.append('                FloatVector %s = FloatVector.fromArray(F, q, %s + wi), %s = FloatVector.fromArray(F, q, %s + wi + tapFloats),' % (ws[t][0], w, ws[t][1], w))
        L.append('                        %s = FloatVector.fromArray(F, q, %s + wi + 2 * tapFloats);' % (ws[t][2], w))
    L.append('                FloatVector v;')
    for j in range(2 * pixels + 1):
        L.append('                v = FloatVector.broadcast(F, x[xi%s]);' % ('' if j == 0 else ' + ch' if j == 1 else ' + %d * ch' % j))
        for r in range(pixels):
            kj = j - 2 * r
            if 0 <= kj <= 2:
                for t in range(tiles):
                    L.append('                %s = v.fma(%s, %s);' % (accs[t][r], ws[t][kj], accs[t][r]))
    L.append('            }')
    L.append('        }')
    L.append('        int s = sOff;')
    for r in range(pixels):
        for t in range(tiles):
            off = 's' if r == 0 else '(s += sStride)'
            if t == 0:
                L.append('        %s.intoArray(sums, %s);' % (accs[t][r], off))
            else:
                L.append('        %s.intoArray(sums, s + LANES);' % accs[t][r])
    L.append('    }')
    return '\n'.join(L)

out = []
for pixels in (7, 8):
    out.append(kernel('oneTileStrideTwo%d' % pixels, 1, pixels,
                      'One tile × %d pixels of a stride-2 row: pixel r reads x[base + ki·rowStride + (2r + kj)·ch + c] (%d broadcasts and 3 weight loads per %d FMAs).' % (pixels, 2 * pixels + 1, 3 * pixels)))
    out.append(kernel('twoTilesStrideTwo%d' % pixels, 2, pixels,
                      'Tiles tile and tile + 1 × %d pixels of a stride-2 row (%d broadcasts and 6 weight loads per %d FMAs; 32 registers).' % (pixels, 2 * pixels + 1, 6 * pixels)))
print('\n\n'.join(out))
