package dev.apprentice.distill.data;

/** A training and a test set with a line saying where they came from. */
public record Splits(ImageSet train, ImageSet test, String source) {
    public Splits {
        if (train.size() == 0) throw new DataException(source + ": the training set has no images");
        if (test.size() == 0) throw new DataException(source + ": the test set has no images");
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width())
            throw new DataException(source + ": train images are " + train.channels() + "×" + train.height() + "×" + train.width()
                    + ", test images " + test.channels() + "×" + test.height() + "×" + test.width());
        if (train.classes() != test.classes()) throw new DataException(source + ": the train set has " + train.classes() + " classes, the test set " + test.classes());
    }
}
