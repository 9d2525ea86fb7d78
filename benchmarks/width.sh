# Sourced by run.sh and the peer scripts: the vector width to measure at, from BENCH_WIDTH
# (512, 256, 128; empty = the machine's own), as JVM flags for our side and environment for the
# peers, so both sides run on the same instruction set:
#   256: -XX:UseAVX=2 (what the JVM sees on an AVX2 machine: 256-bit vectors, 16 registers);
#        OpenBLAS's Haswell kernels; PyTorch/oneDNN limited to AVX2
#   128: -XX:MaxVectorSize=16 (the width of ARM NEON); OpenBLAS's Nehalem (SSE) kernels;
#        PyTorch/oneDNN limited to SSE4.1, ATen's default (non-AVX) kernels
# OPENBLAS_CORETYPE is set in every case, also over a value in the environment (some machines preset
# one: this sandbox exports Haswell, which at 512 bits would compare us with the AVX2 kernels).
width_jvm_flags=""
case "${BENCH_WIDTH:-}" in
  ""|512) if grep -q -w avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX; elif grep -q -w avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi ;;
  256) width_jvm_flags="-XX:UseAVX=2"; export OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 ;;
  128) width_jvm_flags="-XX:MaxVectorSize=16"; export OPENBLAS_CORETYPE=Nehalem ONEDNN_MAX_CPU_ISA=SSE41 ATEN_CPU_CAPABILITY=default ;;
  *) echo "BENCH_WIDTH must be 512, 256 or 128, got '$BENCH_WIDTH'" >&2; exit 2 ;;
esac
