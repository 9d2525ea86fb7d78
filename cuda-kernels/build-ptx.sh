#!/usr/bin/env bash
# Compiles the CUDA kernels (src/main/cuda/*.cu) to PTX and writes them, with a checksum sidecar,
# into the module's resources, where they are committed: the Maven build then needs no CUDA
# toolkit, and the driver JIT-compiles the PTX for whatever GPU (sm_80 or later) it finds.
#
#   cuda-kernels/build-ptx.sh        # needs nvcc and ptxas (CUDA 11.0 or later) on PATH
#
# Run it after every change under src/main/cuda (or to this script): PtxResourcesTest fails
# while the committed PTX is older than its sources.
set -euo pipefail
cd "$(dirname "$0")"

SRC=src/main/cuda
OUT=src/main/resources/dev/apprentice/cudakernels
# -fmad=false: never contract a * b + c into an fma (the kernels must round like Java does).
NVCC_FLAGS=(-ptx -arch=compute_80 -O3 -fmad=false -std=c++17)
# The PTX ISA version the files declare. nvcc writes its own (9.0 for CUDA 13, which only
# drivers >= 580 load); the kernels use nothing newer than ISA 7.0 (CUDA 11.0, the first with
# sm_80), so they declare that and load on any driver that knows an sm_80 GPU. ptxas below
# rejects the file if any instruction in it needs a newer ISA.
PTX_ISA=7.0

command -v nvcc >/dev/null || { echo "build-ptx.sh: nvcc not found on PATH" >&2; exit 1; }
command -v ptxas >/dev/null || { echo "build-ptx.sh: ptxas not found on PATH" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$OUT"
for cu in "$SRC"/*.cu; do
  name=$(basename "$cu" .cu)
  nvcc "${NVCC_FLAGS[@]}" -o "$tmp/$name.ptx" "$cu"
  sed "s/^\.version .*/.version $PTX_ISA/" "$tmp/$name.ptx" > "$tmp/$name.isa.ptx"
  ptxas -arch=sm_80 -o /dev/null "$tmp/$name.isa.ptx"
  mv "$tmp/$name.isa.ptx" "$OUT/$name.ptx"
  echo "wrote $OUT/$name.ptx ($(grep -c '^\.visible \.entry' "$OUT/$name.ptx") kernels)"
done

# The sidecar: SHA-256 of every input (sources and this script, whose flags shape the output)
# and of every output, as `sha256sum` prints them. PtxResourcesTest recomputes it.
{
  sha256sum build-ptx.sh $(ls "$SRC"/* | sort)
  (cd "$OUT" && sha256sum $(ls *.ptx | sort))
} > "$OUT/kernels.sha256"
echo "wrote $OUT/kernels.sha256"
