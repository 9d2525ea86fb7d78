package dev.apprentice.engine.optim;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.apprentice.engine.optim.LrAssert.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LrScheduleTest {

    @Test
    void applyToSetsTheOptimizersRate() {
        Sgd sgd = Sgd.builder().lr(1).group(List.of(Tensor.zeros(2).requireGrad())).build();
        LrSchedule s = new StepLr(0.1, 3, 0.5);
        s.applyTo(sgd, 4);
        assertEquals(0.05, sgd.lr());
        LrSchedule.constant(0.3).applyTo(sgd, 7);
        assertEquals(0.3, sgd.lr());
    }

    @Test
    void constantChecksItsArguments() {
        fails("lr must be finite and >= 0", () -> LrSchedule.constant(Double.NaN));
        fails("step must be >= 0", () -> LrSchedule.constant(0.1).lr(-1));
    }
}
