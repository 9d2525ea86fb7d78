#!/usr/bin/env bash
# Runs JMH suites from benchmarks/target/benchmarks.jar on a Java 25 with the Vector API, OpenBLAS
# at 2 threads, writes the raw JMH JSON to benchmarks/results/, and prints the side-by-side table
# (benchmarks/report.py). Usage: benchmarks/run.sh [--width 512|256|128] REGEX [more JMH arguments], e.g.
#   benchmarks/run.sh Sgemm                 benchmarks/run.sh 'Sgemm.*' -p shape=2048x2048x2048 -f 1
#   benchmarks/run.sh --width 256 Sgemm     (our forks at -XX:UseAVX=2, OpenBLAS on its Haswell kernels; see width.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--width" ]; then export BENCH_WIDTH="${2:?--width needs 512, 256 or 128}"; shift 2; fi
. "$here/width.sh"
jar="$here/target/benchmarks.jar"
[ -f "$jar" ] || { echo "no $jar: build first with 'mvn -B -q -DskipTests package'" >&2; exit 1; }
java=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$home" ] && [ -x "$home/bin/java" ] && "$home/bin/java" -version 2>&1 | grep -q 'version "25'; then java="$home/bin/java"; break; fi
done
[ -n "$java" ] || { echo "no Java 25 found (set JAVA_HOME)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}"
# (width.sh sets OPENBLAS_CORETYPE: Debian's OpenBLAS 0.3.21 does not know newer CPUs and would fall back
# to its generic "Prescott" SSE kernels, ~5x slower, which would flatter us.)
extra=()
[ -n "$width_jvm_flags" ] && extra=(-jvmArgsPrepend "$width_jvm_flags")
mkdir -p "$here/results"
name="$(echo "${1:-all}" | tr -c 'A-Za-z0-9_.-' '_' | sed 's/_*$//')${BENCH_WIDTH:+-w$BENCH_WIDTH}"
out="$here/results/$name-$(date +%Y%m%d-%H%M%S).json"
echo "width: ${BENCH_WIDTH:-the machine width} ${width_jvm_flags} OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}; host: $(lscpu | sed -n 's/^Model name: *//p')" >&2
"$java" --add-modules jdk.incubator.vector -jar "$jar" "$@" "${extra[@]}" -rf json -rff "$out"
python3 "$here/report.py" "$out"
