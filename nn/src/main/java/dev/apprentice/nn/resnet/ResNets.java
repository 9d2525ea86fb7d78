package dev.apprentice.nn.resnet;

import dev.apprentice.nn.Module;

import java.util.Random;

/** Builds a ResNet by name: resnet8/20/32/44/56/110 (CIFAR-style), resnet18/34/50/101 (ImageNet-style). */
public final class ResNets {
    private ResNets() {}

    public static final String NAMES = "resnet8, resnet20, resnet32, resnet44, resnet56, resnet110 (CIFAR-style); resnet18, resnet34, resnet50, resnet101 (ImageNet-style)";

    /**
     * @param width multiplier of the base width (16 for CIFAR-style, 64 for ImageNet-style)
     */
    public static Module create(String name, int inChannels, int classes, double width, long seed) {
        checkWidth(width);
        int depth = depth(name);
        Random rng = new Random(seed);
        return switch (depth) {
            case 18, 34, 50, 101 -> new ImageNetResNet(depth, inChannels, classes, width, rng);
            default -> new CifarResNet(depth, inChannels, classes, Math.max(1, (int) Math.round(16 * width)), rng);
        };
    }

    /** Refuses a model name that is not one of {@link #NAMES}. */
    public static void checkName(String name) {
        depth(name);
    }

    private static int depth(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replace("-", "");
        if (!n.startsWith("resnet")) throw unknown(name);
        int depth;
        try {
            depth = Integer.parseInt(n.substring("resnet".length()));
        } catch (NumberFormatException e) {
            throw unknown(name);
        }
        boolean imageNet = depth == 18 || depth == 34 || depth == 50 || depth == 101;
        if (!imageNet && (depth < 8 || (depth - 2) % 6 != 0)) throw unknown(name);
        return depth;
    }

    /** The widest multiplier accepted: 64 × 16 = 1024 base channels for CIFAR-style networks. */
    public static final double MAX_WIDTH = 64;

    /** Refuses a width multiplier that is not a number in (0, {@link #MAX_WIDTH}]. */
    public static void checkWidth(double width) {
        if (!(width > 0 && width <= MAX_WIDTH))
            throw new IllegalArgumentException("width multiplier must be a number above 0 and at most " + (int) MAX_WIDTH + ", got " + width);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown model '" + name + "'; known: " + NAMES);
    }
}
