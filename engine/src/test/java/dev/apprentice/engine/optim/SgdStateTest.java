package dev.apprentice.engine.optim;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Export/import of SGD state: a resumed run must continue bit for bit. */
class SgdStateTest {
    // 37 values run the vector body and the scalar tail of the kernel; 5 only the tail.
    static final int[] SIZES = {37, 5, 16};

    static List<Tensor> params(long seed) {
        Random rng = new Random(seed);
        List<Tensor> ps = new ArrayList<>();
        for (int n : SIZES) ps.add(Tensor.randn(rng, 1f, n).requireGrad());
        return ps;
    }

    static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(p.copy().requireGrad());
        return out;
    }

    static Sgd sgd(List<Tensor> ps) {
        return Sgd.builder().lr(0.05).momentum(0.9).nesterov(true).weightDecay(5e-4)
                .group(ps.subList(0, 2)).group(ps.subList(2, 3), 0.0).build();
    }

    /** Gradients depend on the step only; the last parameter gets none before step 4. */
    static void train(Sgd sgd, List<Tensor> ps, LrSchedule schedule, int from, int to) {
        for (int s = from; s < to; s++) {
            Random rng = new Random(1000 + s);
            sgd.zeroGrad();
            for (int i = 0; i < ps.size(); i++) {
                float[] g = Tensor.randn(rng, 1f, ps.get(i).size()).data();
                if (i < 2 || s >= 4) ps.get(i).accumulateGrad(g);
            }
            schedule.applyTo(sgd, s);
            sgd.step();
        }
    }

    @Test
    void resumedRunContinuesBitIdentically() {
        LrSchedule schedule = new CosineLr(0.05, 8, 0.0, 2);
        List<Tensor> straight = params(7);
        Sgd a = sgd(straight);
        train(a, straight, schedule, 0, 8);

        List<Tensor> first = params(7);
        Sgd b = sgd(first);
        train(b, first, schedule, 0, 3);
        OptimizerState saved = b.state();
        assertEquals(3, saved.steps());
        assertEquals(List.of("group0.param0.momentum", "group0.param1.momentum"), List.copyOf(saved.buffers().keySet()),
                "the last parameter has had no gradient yet, so no buffer");

        List<Tensor> resumed = copies(first);
        Sgd c = sgd(resumed);
        c.loadState(saved);
        assertEquals(3, c.steps());
        assertEquals(b.lr(), c.lr());
        train(c, resumed, schedule, 3, 8);
        assertEquals(8, c.steps());
        for (int i = 0; i < SIZES.length; i++)
            assertArrayEquals(straight.get(i).data(), resumed.get(i).data(), "parameter " + i); // exact bits
        assertEquals(a.state().buffers().keySet(), c.state().buffers().keySet());
        for (String k : a.state().buffers().keySet())
            assertArrayEquals(a.state().buffer(k), c.state().buffer(k), k);
    }

    @Test
    void stateIsASnapshot() {
        List<Tensor> ps = params(1);
        Sgd sgd = sgd(ps);
        train(sgd, ps, LrSchedule.constant(0.05), 0, 1);
        OptimizerState s = sgd.state();
        float before = s.buffer("group0.param0.momentum")[0];
        train(sgd, ps, LrSchedule.constant(0.05), 1, 2);
        assertEquals(before, s.buffer("group0.param0.momentum")[0], 0f, "later steps must not change a saved state");
    }

    @Test
    void importRejectsUnknownNamesAndWrongSizesAndChangesNothing() {
        List<Tensor> ps = params(2);
        Sgd sgd = sgd(ps);
        train(sgd, ps, LrSchedule.constant(0.05), 0, 2);
        OptimizerState good = sgd.state();

        var unknown = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadState(new OptimizerState(9, 0.1, Map.of("group5.param0.momentum", new float[37]))));
        assertTrue(unknown.getMessage().contains("'group5.param0.momentum'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("{group0=2, group1=1}"), unknown.getMessage());

        var size = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadState(new OptimizerState(9, 0.1, Map.of("group0.param1.momentum", new float[4]))));
        assertEquals("optimizer state buffer 'group0.param1.momentum' has 4 values but parameter group0.param1 has 5",
                size.getMessage());

        assertThrows(IllegalArgumentException.class, () -> sgd.loadState(new OptimizerState(9, -1, Map.of())));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerState(-1, 0.1, Map.of()));

        assertEquals(2, sgd.steps(), "failed imports leave the optimizer as it was");
        assertArrayEquals(good.buffer("group0.param0.momentum"), sgd.state().buffer("group0.param0.momentum"));

        Sgd plain = Sgd.builder().lr(0.1).group(ps).build();
        var noMomentum = assertThrows(IllegalArgumentException.class, () -> plain.loadState(good));
        assertTrue(noMomentum.getMessage().contains("momentum 0 keeps no buffers"), noMomentum.getMessage());
    }
}
