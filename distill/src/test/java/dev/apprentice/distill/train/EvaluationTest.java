package dev.apprentice.distill.train;

import dev.apprentice.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class EvaluationTest {
    @Test
    void topOneAndTopFiveCountRanksWithTiesToTheLowerIndex() {
        float[] z = {
            0, 1, 2, 3, 4, 5, 6,   // label 6: top-1
            6, 5, 4, 3, 2, 1, 0,   // label 4: rank 4 (top-5, not top-1)
            6, 5, 4, 3, 2, 1, 0,   // label 5: rank 5 (neither)
            1, 1, 1, 1, 1, 1, 1,   // label 0 ties with all: counts as top-1
            1, 1, 1, 1, 1, 1, 1,   // label 5 ties with all: five before it, not top-5
        };
        int[] hits = Evaluation.hits(Tensor.of(z, 5, 7), new int[] {6, 4, 5, 0, 5});
        assertArrayEquals(new int[] {2, 3}, hits);
    }
}
