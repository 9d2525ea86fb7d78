package dev.apprentice.engine.optim;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid SGD configurations fail at once with a message that names the problem. */
class SgdArgumentsTest {
    static final Tensor P = Tensor.zeros(3).requireGrad();

    static void fails(String expectedFragment, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expectedFragment), "message '" + ex.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @Test
    void hyperParameters() {
        fails("lr must be finite and >= 0, got -0.1", () -> Sgd.builder().lr(-0.1));
        fails("lr must be finite and >= 0, got NaN", () -> Sgd.builder().lr(Double.NaN));
        fails("momentum must be finite and >= 0", () -> Sgd.builder().momentum(-0.9));
        fails("weightDecay must be finite and >= 0", () -> Sgd.builder().weightDecay(Double.POSITIVE_INFINITY));
        fails("weightDecay of group 0 must be finite and >= 0", () -> Sgd.builder().group(List.of(P), -1));
        fails("dampening must be finite", () -> Sgd.builder().dampening(Double.NaN));
        fails("needs a learning rate", () -> Sgd.builder().group(List.of(P)).build());
        fails("lr must be finite and >= 0", () -> Sgd.builder().lr(0.1).group(List.of(P)).build().setLr(-1));
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        fails("Nesterov momentum needs momentum > 0 and dampening 0",
                () -> Sgd.builder().lr(0.1).nesterov(true).group(List.of(P)).build());
        fails("dampening 0.1", () -> Sgd.builder().lr(0.1).momentum(0.9).dampening(0.1).nesterov(true).group(List.of(P)).build());
    }

    @Test
    void parameters() {
        fails("no parameters", () -> Sgd.builder().lr(0.1).build());
        fails("no parameters", () -> Sgd.builder().lr(0.1).group(List.of()).build());
        fails("the same parameter is both group0.param0 and group1.param0",
                () -> Sgd.builder().lr(0.1).group(List.of(P)).group(List.of(P), 0).build());
        Tensor nonLeaf = Tensor.result(new float[1], new int[] {1}, "mul", g -> {}, Tensor.zeros(1).requireGrad());
        fails("group0.param1 is the result of an op ('mul')",
                () -> Sgd.builder().lr(0.1).group(List.of(P, nonLeaf)).build());
    }
}
