package dev.apprentice.distill.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder with one sub-folder per class (sorted by name) of PNG/JPEG images, all the same
 * size. Grayscale if every image is, else RGB.
 */
public final class ImageFolderReader {
    private ImageFolderReader() {}

    public static ImageSet read(String name, Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new DataException("image folder " + root + " not found");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.size() < 2) throw new DataException(root + ": needs one sub-folder per class (at least 2), found " + classDirs.size());
        List<BufferedImage> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            List<Path> files;
            try (Stream<Path> s = Files.list(classDirs.get(c))) {
                files = s.filter(p -> {
                    String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return f.endsWith(".png") || f.endsWith(".jpg") || f.endsWith(".jpeg");
                }).sorted().toList();
            }
            for (Path f : files) {
                BufferedImage img = Images.read(f);
                images.add(img);
                labels.add(c);
                paths.add(f);
            }
        }
        if (images.isEmpty()) throw new DataException(root + ": no PNG or JPEG images found");
        int h = images.get(0).getHeight(), w = images.get(0).getWidth();
        long grayCount = images.stream().filter(Images::isGray).count();
        if (grayCount > 0 && grayCount < images.size() && 2 * grayCount > images.size()) {
            // mostly gray: a colour image among them is more likely a stray than a reason to read all as RGB
            int odd = 0;
            while (Images.isGray(images.get(odd))) odd++;
            throw new DataException(paths.get(odd) + " is in colour, while " + grayCount + " of the " + images.size() + " images in " + root
                    + " are grayscale: convert it to grayscale (a few gray images among colour ones are read as RGB)");
        }
        int ch = grayCount == images.size() ? 1 : 3;
        byte[] px = new byte[images.size() * ch * h * w];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = images.get(i);
            if (img.getHeight() != h || img.getWidth() != w)
                throw new DataException(paths.get(i) + " is " + img.getWidth() + "×" + img.getHeight() + ", others are " + w + "×" + h);
            Images.copyPixels(img, ch, px, i * ch * h * w);
        }
        String[] classNames = classDirs.stream().map(p -> p.getFileName().toString()).toArray(String[]::new);
        return new ImageSet(name, px, labels.stream().mapToInt(Integer::intValue).toArray(), ch, h, w, classNames);
    }
}
