#!/usr/bin/env bash
# Runs the same JMH selection ROUNDS times (benchmarks/run.sh each time) and prints every run's
# ratios, then per parameter set the median over runs of the scores and of the ratios. A ratio is
# taken within one run, where ours and the peer are measured seconds apart, so this shared
# machine's phases (which move both by 10-25% over minutes) cancel in it; one long JMH run instead
# measures ours and the peer minutes apart. Usage:
#   benchmarks/rounds.sh ROUNDS REGEX [more JMH arguments], e.g.
#   benchmarks/rounds.sh 5 'SgemmBenchmark.(ours|openblas)$' -p shape=1024x1024x1024,2048x2048x2048 -f 1 -wi 3 -i 5 -w 1 -r 1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:?usage: rounds.sh ROUNDS REGEX [JMH arguments]}"
shift
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "rounds.sh: ROUNDS must be a positive number, got '$rounds'" >&2; exit 2; }
files=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for ((i = 1; i <= rounds; i++)); do
  out="$("$here/run.sh" "$@" 2>"$log")" || true
  file="$(echo "$out" | sed -n 's/^Benchmark result is saved to //p' | tail -1)"
  [ -n "$file" ] && [ -f "$file" ] || { echo "$out"; cat "$log"; echo "rounds.sh: run $i wrote no result file" >&2; exit 1; } >&2
  echo "$out" | grep 'medians\]' | sed "s/^/run $i: /"
  files+=("$file")
done
python3 "$here/report.py" --rounds "${files[@]}" | grep '^median of'
