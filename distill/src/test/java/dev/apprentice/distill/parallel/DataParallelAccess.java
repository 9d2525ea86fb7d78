package dev.apprentice.distill.parallel;

import dev.apprentice.engine.tensor.Tensor;

import java.util.Map;

/** DataParallelTest's comparison of two runs' weights, for the Spark tests. */
public final class DataParallelAccess {
    /** See {@link DataParallelTest#TOLERANCE}. */
    public static final double TOLERANCE = DataParallelTest.TOLERANCE;

    private DataParallelAccess() {}

    public static double largestRelativeDifference(Map<String, Tensor> a, Map<String, Tensor> b) {
        return DataParallelTest.largestRelativeDifference(a, b);
    }
}
