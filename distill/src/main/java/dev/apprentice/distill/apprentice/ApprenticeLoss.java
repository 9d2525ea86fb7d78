package dev.apprentice.distill.apprentice;

import dev.apprentice.engine.autograd.Loss;
import dev.apprentice.engine.tensor.Tensor;

/**
 * The Apprentice loss over one batch. The soft term's targets are computed from the teacher's
 * logits cut off from the graph, so its gradient never reaches the teacher: in scheme A (teacher
 * logits with a graph) the teacher learns from α·H(y, p_T) alone; in B and C (teacher run without
 * a graph) that term is a constant, reported but not learned from.
 */
public final class ApprenticeLoss {
    private ApprenticeLoss() {}

    /** The total to back-propagate and each term's value (for the metrics). */
    public record Terms(Tensor total, float teacherHard, float studentHard, float soft) {}

    /**
     * @param student student logits (N×C)
     * @param teacher teacher logits, or null without a teacher (then the loss is plain H(y, p_S))
     */
    public static Terms of(Tensor student, Tensor teacher, int[] labels, LossWeights w) {
        Tensor hardS = Loss.crossEntropy(student, labels);
        if (teacher == null) return new Terms(hardS, Float.NaN, hardS.item(), Float.NaN);
        float invTau = (float) (1 / w.tau());
        Tensor targets = teacher.detach().mul(invTau).softmax();
        Tensor soft = Loss.crossEntropy(w.tau() == 1 ? student : student.mul(invTau), targets);
        Tensor hardT = Loss.crossEntropy(teacher, labels);
        Tensor total = hardT.mul((float) w.alpha()).add(hardS.mul((float) w.beta())).add(soft.mul((float) w.softFactor()));
        return new Terms(total, hardT.item(), hardS.item(), soft.item());
    }
}
