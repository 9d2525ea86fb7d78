package dev.apprentice.cudakernels;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables a test class, with the probe's one-line reason, where CudaBackend cannot run (CI). */
final class RequiresGpu implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = CudaBackend.unavailableReason();
        return reason == null ? ConditionEvaluationResult.enabled("a CUDA device is present")
                              : ConditionEvaluationResult.disabled("GPU test skipped: " + reason);
    }
}
