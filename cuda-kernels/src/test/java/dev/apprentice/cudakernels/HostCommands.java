package dev.apprentice.cudakernels;

/** Builds host_check.cpp's command text: ints as decimals, floats as their bit patterns. */
final class HostCommands {
    private final StringBuilder text = new StringBuilder();

    HostCommands word(String s) {
        text.append(s).append(' ');
        return this;
    }

    HostCommands i(int v) {
        text.append(v).append(' ');
        return this;
    }

    HostCommands f(float v) {
        return i(Float.floatToRawIntBits(v));
    }

    HostCommands ints(int[] v) {
        for (int x : v) i(x);
        return this;
    }

    HostCommands floats(float[] v) {
        for (float x : v) f(x);
        return this;
    }

    /** A residual operand: bits (-1 none, 0 floats, > 0 codes), then its values. */
    HostCommands residual(int bits, int[] codes, float[] values) {
        i(bits);
        if (bits > 0) ints(codes);
        else if (bits == 0) floats(values);
        return this;
    }

    HostCommands end() {
        text.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
