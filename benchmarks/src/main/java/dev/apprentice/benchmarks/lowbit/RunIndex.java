package dev.apprentice.benchmarks.lowbit;

import java.util.Arrays;

/**
 * Slots of distinct run starts, so a run used by several rows (an input pixel under several
 * kernel taps) is prepared once: an open-addressing int → int map, cleared per chunk.
 */
final class RunIndex {
    private int[] keys = new int[0], slots = new int[0];
    private int mask, size;

    /** Empties the index, sized for up to capacity distinct starts. */
    void clear(int capacity) {
        int n = Integer.highestOneBit(Math.max(4, 2 * capacity - 1)) << 1;
        if (keys.length < n) {
            keys = new int[n];
            slots = new int[n];
        }
        mask = keys.length - 1;
        Arrays.fill(keys, -1);
        size = 0;
    }

    /** The slot of start (≥ 0), or −1 − (new slot number) when start is new: the caller then prepares it. */
    int slotOf(int start) {
        int h = (start * 0x9E3779B9) >>> 7 & mask;
        while (keys[h] >= 0) {
            if (keys[h] == start) return slots[h];
            h = (h + 1) & mask;
        }
        keys[h] = start;
        slots[h] = size;
        return -1 - size++;
    }
}
