package dev.apprentice.distill.data;

/** A training and a test set with a line saying where they came from. */
public record Splits(ImageSet train, ImageSet test, String source) {
    public Splits {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width())
            throw new DataException("train and test images differ in shape");
        if (train.classes() != test.classes()) throw new DataException("train and test sets have different class counts");
    }
}
