#!/usr/bin/env bash
# Our packed ResNet inference (PackedResNetBenchmark: fp32, a8w4, a8w2, a4w4, a4w2) against PyTorch's fp32 and
# int8 inference (peer-int8.sh), interleaved so both sides see the same minutes of this shared machine: the peer
# for every (model, batch), then one short JMH run of ours (run.sh), ROUNDS times, then the peer once more. Prints
# per (model, batch) the medians over runs of images/s, and the medians over rounds of ours/our-fp32 (taken within
# one JMH run) and ours/PyTorch-int8 (ours against the mean of the two peer runs either side of it).
# Usage: benchmarks/packed-side-by-side.sh ROUNDS [--models resnet20,resnet56] [--batches 1,64] [JMH arguments]
#   JMH arguments default to -f 1 -wi 3 -i 4 -w 2 -r 2; e.g. a smoke run:
#   benchmarks/packed-side-by-side.sh 1 --models resnet20 --batches 1 -f 1 -wi 1 -i 1 -w 1 -r 1
# Needs the built benchmarks jar, python3-torch and ../shared/peers (see peer-int8.sh); BENCH_WIDTH=256 or 128
# restricts both sides to that instruction set (width.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
usage="usage: packed-side-by-side.sh ROUNDS [--models resnet20,resnet56] [--batches 1,64] [JMH arguments]"
rounds="${1:?$usage}"
shift
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "packed-side-by-side.sh: ROUNDS must be a positive number, got '$rounds'" >&2; exit 2; }
models="resnet20,resnet56" batches="1,64"
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="${2:?$usage}"; shift 2 ;;
    --batches) batches="${2:?$usage}"; shift 2 ;;
    *) break ;;
  esac
done
jmh=("$@")
[ ${#jmh[@]} -gt 0 ] || jmh=(-f 1 -wi 3 -i 4 -w 2 -r 2)
IFS=, read -ra model_list <<<"$models"
IFS=, read -ra batch_list <<<"$batches"
for m in "${model_list[@]}"; do [[ "$m" =~ ^resnet[0-9]+$ ]] || { echo "packed-side-by-side.sh: models are resnetDEPTH, got '$m'" >&2; exit 2; }; done
records="$(mktemp)" log="$(mktemp)"
trap 'rm -f "$records" "$log"' EXIT

run_peer() {   # $1: index of this peer run (0 .. ROUNDS)
  for m in "${model_list[@]}"; do
    for b in "${batch_list[@]}"; do
      line="$("$here/peer-int8.sh" "${m#resnet}" "$b" 2 2>"$log" | tail -1)" || { cat "$log" >&2; echo "packed-side-by-side.sh: peer-int8.sh failed" >&2; exit 1; }
      echo "peer $1: $line"
      fp32="$(echo "$line" | sed -n 's/.* fp32 \([0-9.]*\) img\/s.*/\1/p')" int8="$(echo "$line" | sed -n 's/.* int8 \([0-9.]*\) img\/s.*/\1/p')"
      [ -n "$fp32" ] && [ -n "$int8" ] || { cat "$log" >&2; echo "packed-side-by-side.sh: cannot read the peer's line: $line" >&2; exit 1; }
      echo "peer $1 $m $b PyTorch-fp32 $fp32" >>"$records"
      echo "peer $1 $m $b PyTorch-int8 $int8" >>"$records"
    done
  done
}

for ((i = 1; i <= rounds; i++)); do
  run_peer $((i - 1))
  out="$("$here/run.sh" 'PackedResNetBenchmark.(fp32|a8w4|a8w2|a4w4|a4w2)$' -p model="$models" -p batch="$batches" "${jmh[@]}" 2>"$log")" \
    || { echo "$out"; cat "$log"; echo "packed-side-by-side.sh: run.sh failed in round $i" >&2; exit 1; } >&2
  rows="$(echo "$out" | grep 'PackedResNetBenchmark.*img/s, medians')" \
    || { echo "$out"; cat "$log"; echo "packed-side-by-side.sh: run.sh printed no PackedResNetBenchmark rows in round $i" >&2; exit 1; } >&2
  echo "$rows" | sed "s/^/ours $i: /"
  # report.py's row: "PackedResNetBenchmark batch=B model=M [img/s, medians]  fp32 V  a8w4 V (a8w4/fp32 R) ..."
  while read -r row; do
    b="$(echo "$row" | grep -oP '\bbatch=\K[0-9]+')" m="$(echo "$row" | grep -oP '\bmodel=\K\S+')"
    echo "${row#*medians]}" | grep -oP '(?<![/\w])(fp32|a8w4|a8w2|a4w4|a4w2)\s+[0-9.]+' | while read -r method value; do
      echo "ours $i $m $b $method $value" >>"$records"
    done
  done <<<"$rows"
done
run_peer "$rounds"

python3 - "$records" "$rounds" <<'PY'
import statistics, sys
from collections import defaultdict
records, rounds = sys.argv[1], int(sys.argv[2])
ours, peer = defaultdict(dict), defaultdict(dict)   # (model, batch) -> method -> {run: img/s}
for line in open(records):
    side, run, model, batch, method, value = line.split()
    (ours if side == "ours" else peer)[(model, int(batch))].setdefault(method, {})[int(run)] = float(value)
def spread(xs):
    return f"{statistics.median(xs):5.2f} [{min(xs):.2f}-{max(xs):.2f}]" if xs else "    -"
print(f"\nmedians over {rounds} round(s) of ours and {rounds + 1} peer runs, img/s; ratios: median [range] over rounds")
print(f"{'model':9s} {'batch':>5s}  {'method':13s} {'img/s':>9s}  {'/our-fp32':>17s}  {'/PyTorch-int8':>17s}")
for key in sorted(set(ours) | set(peer), key=lambda k: (int(k[0][6:]), k[1])):
    model, batch = key
    o, p = ours.get(key, {}), peer.get(key, {})
    int8 = p.get("PyTorch-int8", {})
    # ours in round i ran between peer runs i-1 and i: compare with their mean
    bracket = {i: (int8[i - 1] + int8[i]) / 2 for i in range(1, rounds + 1) if i - 1 in int8 and i in int8}
    base = o.get("fp32", {})
    for method, runs in o.items():
        vs_fp32 = [v / base[i] for i, v in runs.items() if i in base]
        vs_int8 = [v / bracket[i] for i, v in runs.items() if i in bracket]
        print(f"{model:9s} {batch:5d}  {method:13s} {statistics.median(runs.values()):9.1f}  {spread(vs_fp32):>17s}  {spread(vs_int8):>17s}")
    f32 = p.get("PyTorch-fp32", {})
    for method, runs in p.items():
        note = ""
        if method == "PyTorch-int8":
            note = "  (int8/fp32 " + spread([v / f32[i] for i, v in runs.items() if i in f32]).strip() + ")"
        print(f"{model:9s} {batch:5d}  {method:13s} {statistics.median(runs.values()):9.1f}{note}")
PY
