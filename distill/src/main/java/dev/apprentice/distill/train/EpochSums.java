package dev.apprentice.distill.train;

import dev.apprentice.distill.apprentice.ApprenticeLoss;
import dev.apprentice.distill.data.Batch;
import dev.apprentice.engine.parallel.ReplicaSums;
import dev.apprentice.engine.tensor.Tensor;

/** Running per-epoch means of the loss terms and training accuracies, weighted by batch size. */
final class EpochSums {
    /** How many numbers {@link #values} gives. */
    static final int VALUES = 8;
    private double total, teacherHard, studentHard, soft;
    private long studentHits, teacherHits, images;
    private boolean teacher;

    void add(Batch b, ApprenticeLoss.Terms t, Tensor studentLogits, Tensor teacherLogits) {
        int n = b.size();
        images += n;
        total += (double) t.total().item() * n;
        studentHard += (double) t.studentHard() * n;
        studentHits += Evaluation.hits(studentLogits, b.labels())[0];
        if (teacherLogits != null) {
            teacher = true;
            teacherHard += (double) t.teacherHard() * n;
            soft += (double) t.soft() * n;
            teacherHits += Evaluation.hits(teacherLogits, b.labels())[0];
        }
    }

    /** The sums of every replica's shards (each replica calls it): the epoch's means over the global batches. */
    void sumOver(ReplicaSums replicas) {
        if (replicas.replicas() == 1) return;
        double[] v = values();
        replicas.sum(v);
        set(v);
    }

    /** The sums as numbers (for a checkpoint taken within an epoch), in {@link #of}'s order. */
    double[] values() {
        return new double[] {total, teacherHard, studentHard, soft, studentHits, teacherHits, images, teacher ? 1 : 0};
    }

    /** Sums that continue from {@link #values} (null or empty: from nothing). */
    static EpochSums of(double[] values) {
        EpochSums s = new EpochSums();
        if (values != null && values.length > 0) s.set(values);
        return s;
    }

    private void set(double[] v) {
        if (v.length != VALUES) throw new IllegalArgumentException("epoch sums need " + VALUES + " values, got " + v.length);
        total = v[0];
        teacherHard = v[1];
        studentHard = v[2];
        soft = v[3];
        studentHits = (long) v[4];
        teacherHits = (long) v[5];
        images = (long) v[6];
        teacher = v[7] > 0;
    }

    boolean hasTeacher() { return teacher; }
    long images() { return images; }
    double loss() { return total / images; }
    double teacherHard() { return teacherHard / images; }
    double studentHard() { return studentHard / images; }
    double soft() { return soft / images; }
    double studentAcc() { return 100.0 * studentHits / images; }
    double teacherAcc() { return 100.0 * teacherHits / images; }
}
