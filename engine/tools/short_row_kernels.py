#!/usr/bin/env python3
"""Writes the unrolled kernels of ShortRowKernel (engine/src/main/java/dev/apprentice/engine/kernel), which the
repository keeps as plain Java: every vector must stay in a local, so each pixel count and tile count is its own
method. Usage: short_row_kernels.py FILE rewrites the kernels at the end of FILE (everything from the first
generated method's comment to the class's closing brace); short_row_kernels.py alone prints them.

The two-tile kernels run each kernel row's channels in counted loops whose array indices are loop-invariant
offsets plus the channel (times the lanes, for weights): C2 then proves the accesses in bounds before the loop
and keeps the loop body to the vector work (with the channel as a separate counter it kept a bounds check and
address arithmetic per load, and the loop was front-end bound). Their chunks between flushes restart at each
kernel row, so no sum is live across a row (carried across rows, C2 spilled six of the 14 sums in the loop
whenever a chunk spanned rows, 0.94x); ShortLayer.flushEvery checks both chunkings. The other kernels keep one loop over all steps
(see stepped). After any change, run a packed network with -XX:+PrintCompilation: the 14-pixel and two-tile
kernels sit just under C1's limit ("COMPILE SKIPPED: out of virtual registers in linear scan"); past it they
run boxed, about 100 times slower, until C2 compiles them, which in a whole network did not happen in 10 s."""
import sys

FLUSH_PLAIN = ('IntVector.fromArray(I, sums, at{o}).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at{o});',
               'IntVector.fromArray(I, sums, at{o} + HALF).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at{o} + HALF);')
FLUSH_PAIRED = ('IntVector.fromArray(I, sums, at).add(w.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at);',
                'IntVector.fromArray(I, sums, at + secondOff).add(w.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, at + secondOff);')


class Shape:
    """What both loop forms share: the names of a kernel's sums and weight vectors, and the Java they spell alike."""

    def __init__(self, tiles, pixels, stride, paired):
        self.tiles, self.pixels, self.stride, self.paired = tiles, pixels, stride, paired
        self.accs = [['a%d' % r for r in range(pixels)], ['c%d' % r for r in range(pixels)]][:tiles]
        self.ws = [['p0', 'p1', 'p2'], ['s0', 's1', 's2']][:tiles]
        self.names = [a for t in self.accs for a in t]

    def signature(self, name, doc):
        xtype = 'int[]' if self.paired else 'short[]'
        extra = ', int secondOff' if self.paired else ''
        return ['    /** %s */' % doc,
                '    static void %s(short[] q, int ch, int tile, %s x, int base, int rowStride, int flushEvery, int[] sums, int sOff, int sStride%s) {'
                % (name, xtype, extra)]

    def zeros(self, indent):
        names = self.names
        return [indent + 'ShortVector %s = ShortVector.zero(S), %s;' % (names[0], ', '.join('%s = %s' % (n, names[0]) for n in names[1:]))]

    def products(self, indent, column):
        """The broadcasts and multiply-adds of one channel step; column(k) is the index of input column k."""
        L = [indent + 'ShortVector v;']
        load = 'IntVector.broadcast(I, x[%s]).reinterpretAsShorts()' if self.paired else 'ShortVector.broadcast(S, x[%s])'
        for k in range(self.stride * (self.pixels - 1) + 3):
            L.append(indent + 'v = %s;' % (load % column(k)))
            for kj in range(3):
                if (k - kj) % self.stride: continue
                r = (k - kj) // self.stride
                if 0 <= r < self.pixels:
                    for t in range(self.tiles):
                        L.append(indent + '%s = %s.add(v.mul(%s));' % (self.accs[t][r], self.accs[t][r], self.ws[t][kj]))
        return L

    def flush(self, indent):
        """Adds the 16-bit sums into the int32 sums."""
        L = [indent + 'IntVector w;', indent + 'int at = sOff;']
        for r in range(self.pixels):
            for t in range(self.tiles):
                L.append(indent + 'w = %s.reinterpretAsInts();' % self.accs[t][r])
                for line in (FLUSH_PAIRED if self.paired else FLUSH_PLAIN):
                    L.append(indent + line.format(o='' if t == 0 else ' + LANES'))
            if r < self.pixels - 1: L.append(indent + 'at += sStride;')
        return L


def kernel(name, doc, tiles, pixels, stride=1, paired=False):
    """tiles (1 or 2) × pixels output pixels; stride-2 pixel r reads input columns 2r + kj."""
    k = Shape(tiles, pixels, stride, paired)
    I = ' ' * 4
    L = k.signature(name, doc) + [I * 2 + 'int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts;']
    L.append(I * 2 + 'for (int ki = 0; ki < KERNEL; ki++) {')
    L.append(I * 3 + 'int x0 = base + ki * rowStride, w0 = (tile * KERNEL + ki) * KERNEL * tapShorts;')
    wsum = ['w1 = w0 + tapShorts', 'w2 = w0 + 2 * tapShorts']
    if tiles == 2: wsum += ['w3 = w0 + tileShorts', 'w4 = w1 + tileShorts', 'w5 = w2 + tileShorts']
    L.append(I * 3 + 'int %s;' % ', '.join(wsum))
    L.append(I * 3 + 'for (int c = 0; c < ch; c += flushEvery) { // chunks of flushEvery steps from each kernel row\'s start')
    L += k.zeros(I * 4)
    L.append(I * 4 + 'for (int cc = c, end = Math.min(ch, c + flushEvery); cc < end; cc++) {')
    L.append(I * 5 + 'int cl = cc * LANES;')
    for t in range(tiles):
        L.append(I * 5 + 'ShortVector %s = ShortVector.fromArray(S, q, w%d + cl), %s = ShortVector.fromArray(S, q, w%d + cl), %s = ShortVector.fromArray(S, q, w%d + cl);'
                 % (k.ws[t][0], 3 * t, k.ws[t][1], 3 * t + 1, k.ws[t][2], 3 * t + 2))
    L += k.products(I * 5, lambda c: 'x0 + cc' if c == 0 else 'x0 + cc + ch' if c == 1 else 'x0 + cc + %d * ch' % c)
    L.append(I * 4 + '}')
    L += k.flush(I * 4)
    L += [I * 3 + '}', I * 2 + '}', I + '}']
    return '\n'.join(L)


def stepped(name, doc, tiles, pixels, stride=1, paired=False):
    """As kernel, in one loop over all channel steps (kernel row, then channel) per flush: the one-tile and paired
    kernels, where the counted loops measured slower (16-channel rows: a short loop per kernel row) or made C2
    load all broadcasts ahead of their products and spill the sums (the 14-pixel paired kernel)."""
    k = Shape(tiles, pixels, stride, paired)
    L = k.signature(name, doc) + [
        '        int tapShorts = ch * LANES, tileShorts = KERNEL * KERNEL * tapShorts, steps = KERNEL * ch;',
        '        int xi = base, wi = tile * tileShorts, c = 0;',
        '        for (int from = 0; from < steps; from += flushEvery) {']
    L += k.zeros(' ' * 12)
    L.append('            for (int s = from, to = Math.min(steps, from + flushEvery); s < to; s++) {')
    for t in range(tiles):
        off = '' if t == 0 else ' + tileShorts'
        L.append('                ShortVector %s = ShortVector.fromArray(S, q, wi%s), %s = ShortVector.fromArray(S, q, wi%s + tapShorts),' % (k.ws[t][0], off, k.ws[t][1], off))
        L.append('                        %s = ShortVector.fromArray(S, q, wi%s + 2 * tapShorts);' % (k.ws[t][2], off))
    L += k.products(' ' * 16, lambda c: 'xi' + ('' if c == 0 else ' + %s * ch' % c if c > 1 else ' + ch'))
    L += ['                xi++;',
          '                wi += LANES;',
          '                if (++c == ch) { // next kernel row: its first channel, its column-0 weights',
          '                    c = 0;',
          '                    xi += rowStride - ch;',
          '                    wi += 2 * tapShorts;',
          '                }',
          '            }']
    L += k.flush(' ' * 12)
    L += ['        }', '    }']
    return '\n'.join(L)

KERNELS = [
    stepped('oneTileSeven', 'One tile × 7 pixels: pixel r\'s sums added at sums[sOff + r·sStride ..].', 1, 7),
    stepped('oneTileEight', 'One tile × 8 pixels (as {@link #oneTileSeven}).', 1, 8),
    stepped('oneTileFourteen', 'One tile × 14 pixels (32 registers: 14 sums, 3 weight vectors, a broadcast): half the broadcasts per product of 7.', 1, 14),
    kernel('twoTilesSeven', 'Tiles tile and tile + 1 × 7 pixels (32 registers): each broadcast feeds both tiles.', 2, 7),
    stepped('pairedSeven', 'A paired tile × 7 pixels of two images (see {@link #pairedRow}).', 1, 7, paired=True),
    stepped('pairedEight', 'A paired tile × 8 pixels of two images.', 1, 8, paired=True),
    stepped('pairedFourteen', 'A paired tile × 14 pixels of two images (32 registers).', 1, 14, paired=True),
    stepped('strideTwoSeven', 'Stride 2: one tile × 7 pixels, pixel r reading columns 2r, 2r + 1, 2r + 2.', 1, 7, stride=2),
    stepped('strideTwoEight', 'Stride 2: one tile × 8 pixels.', 1, 8, stride=2),
    kernel('strideTwoTwoTilesSeven', 'Stride 2: tiles tile and tile + 1 × 7 pixels (32 registers).', 2, 7, stride=2),
]
GENERATED = '\n\n'.join(KERNELS) + '\n}\n'

if len(sys.argv) == 1:
    print(GENERATED, end='')
else:
    path = sys.argv[1]
    text = open(path).read()
    start = text.index('    /** One tile × 7 pixels: pixel r')
    open(path, 'w').write(text[:start] + GENERATED)
