#!/usr/bin/env python3
"""Writes the embedded default dataset: a stratified subset of Fashion-MNIST (the first 600
training and first 100 test images of each class, in file order) as gzipped IDX files, from
Debian's dataset-fashion-mnist. Run from the repository root:

    python3 distill/scripts/make_embedded_subset.py
"""
import gzip, struct, sys
SRC = "/usr/share/datasets/fashion-mnist"
DST = "distill/src/main/resources/datasets/fashion-mnist-subset"

def read(prefix):
    with gzip.open(f"{SRC}/{prefix}-images-idx3-ubyte.gz") as f:
        magic, n, h, w = struct.unpack(">IIII", f.read(16)); assert magic == 2051
        images = f.read(n * h * w)
    with gzip.open(f"{SRC}/{prefix}-labels-idx1-ubyte.gz") as f:
        magic, m = struct.unpack(">II", f.read(8)); assert magic == 2049 and m == n
        labels = f.read(n)
    return images, labels, h, w

def write(prefix, images, labels, h, w, per_class):
    taken, keep = [0] * 10, []
    for i, y in enumerate(labels):
        if taken[y] < per_class:
            taken[y] += 1; keep.append(i)
    size = h * w
    # mtime=0 keeps the files byte-identical across runs
    with gzip.GzipFile(f"{DST}/{prefix}-images-idx3-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 2051, len(keep), h, w))
        for i in keep: f.write(images[i * size:(i + 1) * size])
    with gzip.GzipFile(f"{DST}/{prefix}-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">II", 2049, len(keep)))
        f.write(bytes(labels[i] for i in keep))
    print(prefix, len(keep), "images", taken)

for prefix, per_class in (("train", 600), ("t10k", 100)):
    write(prefix, *read(prefix), per_class)
