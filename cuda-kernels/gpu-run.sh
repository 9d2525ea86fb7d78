#!/usr/bin/env bash
# Run THERE (a GPU machine), from the repository root, after prepare-gpu-run.sh built .jre and
# cuda-kernels/target/gpu here and both were carried over:
#   cuda-kernels/gpu-run.sh test    the cuda-kernels tests on the GPU (CudaBackendGpuTest runs)
#   cuda-kernels/gpu-run.sh bench   GpuBench, then the cuBLAS peer script, in the same call
#   cuda-kernels/gpu-run.sh all     both
# Logs and CSVs go to $OUT when it is set (the device tool's output folder), else to the cwd.
set -uo pipefail
what=${1:-all}
gpu=cuda-kernels/target/gpu
dest=${OUT:-.}
java=(.jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | tee "$dest/gpu-info.txt"
status=0
if [ "$what" = test ] || [ "$what" = all ]; then
  "${java[@]}" -jar "$gpu/junit-console.jar" execute --disable-banner --details=tree \
    --class-path "$gpu/cuda-bench.jar:$gpu/test-classes" --select-package dev.apprentice.cudakernels 2>&1 | tee "$dest/gpu-tests.log"
  status=${PIPESTATUS[0]}
fi
if [ "$what" = bench ] || [ "$what" = all ]; then
  "${java[@]}" -jar "$gpu/cuda-bench.jar" --csv "$dest/cuda-bench.csv" 2>&1 | tee "$dest/cuda-bench.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  PYTHONUNBUFFERED=1 python3 cuda-kernels/bench/cublas_bench.py --csv "$dest/cublas-bench.csv" 2>&1 | tee "$dest/cublas-bench.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
fi
exit $status
