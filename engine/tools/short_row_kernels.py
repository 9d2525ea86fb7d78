#!/usr/bin/env python3
"""Writes the unrolled kernels of ShortRowKernel (engine/src/main/java/dev/apprentice/engine/kernel), which the
repository keeps as plain Java: every vector must stay in a local, so each pixel count and tile count is its own
method. Usage: short_row_kernels.py [plain|paired|strided] > kernels.java, then paste over the matching methods
(each mode's output appears verbatim in ShortRowKernel.java; compare before committing a change)."""
import sys
def kernel(name, tiles, pixels, doc):
    accs = [['a%d' % r for r in range(pixels)], ['c%d' % r for r in range(pixels)]][:tiles]
    ws = [['p0', 'p1', 'p2'], ['s0', 's1', 's2']][:tiles]
    L = []
    L.append('    /** %s */' % doc)
    L.append('    static void %s(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {' % name)
    L.append('        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;')
    L.append('        int xi = base, wi = tile * tileShorts, c = 0;')
    L.append('        for (int from = 0; from < steps; from += flushEvery) {')
    names = [a for t in accs for a in t]
    L.append('            ShortVector %s = ShortVector.zero(S), %s;' % (names[0], ', '.join('%s = %s' % (n, names[0]) for n in names[1:])))
    L.append('            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {')
    for t in range(tiles):
        off = '' if t == 0 else ' + tileShorts'
        L.append('                ShortVector %s = ShortVector.fromArray(S, q, wi%s), %s = ShortVector.fromArray(S, q, wi%s + tapShorts),' % (ws[t][0], off, ws[t][1], off))
        L.append('                        %s = ShortVector.fromArray(S, q, wi%s + 2 * tapShorts);' % (ws[t][2], off))
    L.append('                ShortVector v;')
    for k in range(pixels + 2):
        L.append('                v = ShortVector.broadcast(S, x[xi%s]);' % ('' if k == 0 else ' + %s * ch' % k if k > 1 else ' + ch'))
        for kj in range(3):
            r = k - kj
            if 0 <= r < pixels:
                for t in range(tiles):
                    L.append('                %s = %s.add(v.mul(%s));' % (accs[t][r], accs[t][r], ws[t][kj]))
    L.append('                xi++;')
    L.append('                wi += LANES;')
    L.append('                if (++c == ch) { // next kernel row: its first channel, its column-0 weights')
    L.append('                    c = 0;')
    L.append('                    xi += rowStride - ch;')
    L.append('                    wi += 2 * tapShorts;')
    L.append('                }')
    L.append('            }')
    L.append('            IntVector w;')
    L.append('            int at = sOff;')
    for r in range(pixels):
        for t in range(tiles):
            o = '' if t == 0 else ' + LANES'
            L.append('            w = %s.reinterpretAsInts();' % accs[t][r])
            L.append('            IntVector.fromArray(I, sums, at%s).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at%s);' % (o, o))
            L.append('            IntVector.fromArray(I, sums, at%s + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at%s + HALF);' % (o, o))
        if r < pixels - 1: L.append('            at += sStride;')
    L.append('        }')
    L.append('    }')
    return '\n'.join(L)

if len(sys.argv) == 1 or sys.argv[1] == 'plain':
  print(kernel('oneTileSeven', 1, 7, 'One tile × 7 pixels: pixel r\'s sums added at sums[sOff + r·sStride ..].'))
  print()
  print(kernel('oneTileEight', 1, 8, 'One tile × 8 pixels (as {@link #oneTileSeven}).'))
  print()
  print(kernel('oneTileFourteen', 1, 14, 'One tile × 14 pixels (32 registers: 14 sums, 3 weight vectors, a broadcast): half the broadcasts per product of 7.'))
  print()
  print(kernel('twoTilesSeven', 2, 7, 'Tiles tile and tile + 1 × 7 pixels (32 registers): each broadcast feeds both tiles.'))

def paired(name, pixels, doc):
    acc = ['a%d' % r for r in range(pixels)]
    L = []
    L.append('    /** %s */' % doc)
    L.append('    static void %s(short[] q, int ch, int tile, int[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride, int secondOff) {' % name)
    L.append('        int tapShorts = ch * LANES, steps = KERNEL * ch;')
    L.append('        int xi = base, wi = tile * KERNEL * KERNEL * tapShorts, c = 0;')
    L.append('        for (int from = 0; from < steps; from += flushEvery) {')
    L.append('            ShortVector %s = ShortVector.zero(S), %s;' % (acc[0], ', '.join('%s = %s' % (n, acc[0]) for n in acc[1:])))
    L.append('            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {')
    L.append('                ShortVector p0 = ShortVector.fromArray(S, q, wi), p1 = ShortVector.fromArray(S, q, wi + tapShorts),')
    L.append('                        p2 = ShortVector.fromArray(S, q, wi + 2 * tapShorts);')
    L.append('                ShortVector v;')
    for k in range(pixels + 2):
        L.append('                v = IntVector.broadcast(I, x[xi%s]).reinterpretAsShorts();' % ('' if k == 0 else ' + %s * ch' % k if k > 1 else ' + ch'))
        for kj in range(3):
            r = k - kj
            if 0 <= r < pixels:
                L.append('                %s = %s.add(v.mul(p%d));' % (acc[r], acc[r], kj))
    L.append('                xi++;')
    L.append('                wi += LANES;')
    L.append('                if (++c == ch) { // next kernel row: its first channel, its column-0 weights')
    L.append('                    c = 0;')
    L.append('                    xi += rowStride - ch;')
    L.append('                    wi += 2 * tapShorts;')
    L.append('                }')
    L.append('            }')
    L.append('            IntVector w;')
    L.append('            int at = sOff;')
    for r in range(pixels):
        L.append('            w = %s.reinterpretAsInts();' % acc[r])
        L.append('            IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);')
        L.append('            IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);')
        if r < pixels - 1: L.append('            at += sStride;')
    L.append('        }')
    L.append('    }')
    return '\n'.join(L)

if len(sys.argv) > 1 and sys.argv[1] == 'paired':
    print(paired('pairedSeven', 7, 'A paired tile × 7 pixels of two images (see {@link #pairedRow}).'))
    print()
    print(paired('pairedEight', 8, 'A paired tile × 8 pixels of two images.'))
    print()
    print(paired('pairedFourteen', 14, 'A paired tile × 14 pixels of two images (32 registers).'))

def strided(name, tiles, pixels, doc):
    # stride 2: pixel r reads columns 2r + kj
    accs = [['a%d' % r for r in range(pixels)], ['c%d' % r for r in range(pixels)]][:tiles]
    ws = [['p0', 'p1', 'p2'], ['s0', 's1', 's2']][:tiles]
    L = []
    L.append('    /** %s */' % doc)
    L.append('    static void %s(short[] q, int ch, int tile, short[] x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride) {' % name)
    L.append('        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;')
    L.append('        int xi = base, wi = tile * tileShorts, c = 0;')
    L.append('        for (int from = 0; from < steps; from += flushEvery) {')
    names = [a for t in accs for a in t]
    L.append('            ShortVector %s = ShortVector.zero(S), %s;' % (names[0], ', '.join('%s = %s' % (n, names[0]) for n in names[1:])))
    L.append('            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {')
    for t in range(tiles):
        off = '' if t == 0 else ' + tileShorts'
        L.append('                ShortVector %s = ShortVector.fromArray(S, q, wi%s), %s = ShortVector.fromArray(S, q, wi%s + tapShorts),' % (ws[t][0], off, ws[t][1], off))
        L.append('                        %s = ShortVector.fromArray(S, q, wi%s + 2 * tapShorts);' % (ws[t][2], off))
    L.append('                ShortVector v;')
    for k in range(2 * (pixels - 1) + 3):
        L.append('                v = ShortVector.broadcast(S, x[xi%s]);' % ('' if k == 0 else ' + %s * ch' % k if k > 1 else ' + ch'))
        for kj in range(3):
            if (k - kj) % 2: continue
            r = (k - kj) // 2
            if 0 <= r < pixels:
                for t in range(tiles):
                    L.append('                %s = %s.add(v.mul(%s));' % (accs[t][r], accs[t][r], ws[t][kj]))
    L.append('                xi++;')
    L.append('                wi += LANES;')
    L.append('                if (++c == ch) { // next kernel row: its first channel, its column-0 weights')
    L.append('                    c = 0;')
    L.append('                    xi += rowStride - ch;')
    L.append('                    wi += 2 * tapShorts;')
    L.append('                }')
    L.append('            }')
    L.append('            IntVector w;')
    L.append('            int at = sOff;')
    for r in range(pixels):
        for t in range(tiles):
            o = '' if t == 0 else ' + LANES'
            L.append('            w = %s.reinterpretAsInts();' % accs[t][r])
            L.append('            IntVector.fromArray(I, sums, at%s).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at%s);' % (o, o))
            L.append('            IntVector.fromArray(I, sums, at%s + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at%s + HALF);' % (o, o))
        if r < pixels - 1: L.append('            at += sStride;')
    L.append('        }')
    L.append('    }')
    return '\n'.join(L)

if len(sys.argv) > 1 and sys.argv[1] == 'strided':
    print(strided('strideTwoSeven', 1, 7, 'Stride 2: one tile × 7 pixels, pixel r reading columns 2r, 2r + 1, 2r + 2.'))
    print()
    print(strided('strideTwoEight', 1, 8, 'Stride 2: one tile × 8 pixels.'))
    print()
    print(strided('strideTwoTwoTilesSeven', 2, 7, 'Stride 2: tiles tile and tile + 1 × 7 pixels (32 registers).'))
