#!/usr/bin/env bash
# ResNet-20 training and inference (batch 128, 2 threads) against PyTorch, interleaved: ROUNDS times the
# peer (../shared/peers/throughput.py, 13 steps) then a short JMH run of ours, then the peer once more, so
# both sides see the same minutes of this shared machine. The peer's short runs swing with its phases far
# more than one JMH run does (e.g. 437-665 img/s within two minutes), so compare medians over rounds.
# Usage: benchmarks/peer-interleaved.sh [rounds] [width]   (needs the built benchmarks jar and python3-torch;
# width 256 or 128 runs both sides restricted to that instruction set, see width.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-4}"
[ -n "${2:-}" ] && export BENCH_WIDTH="$2"
peer=() ours_train=() ours_infer=()
run_peer() {
  line="$("$here/peer-throughput.sh" 20 128 2 | tail -1)"
  echo "peer:  $line"
  peer+=("$(echo "$line" | sed -n 's/.*train \([0-9.]*\) img\/s.*/\1/p') $(echo "$line" | sed -n 's/.*infer \([0-9.]*\) img\/s.*/\1/p')")
}
for ((i = 1; i <= rounds; i++)); do
  run_peer
  out="$("$here/run.sh" 'ResNetBenchmark.(trainStep|inference)$' -p batch=128 -f 1 -wi 3 -i 4 -w 2 -r 2 | grep 'img/s, medians')"
  echo "ours:  $out"
  ours_train+=("$(echo "$out" | grep -oP '(?<![/\w])trainStep\s+\K[0-9.]+' | head -1)")
  ours_infer+=("$(echo "$out" | grep -oP '(?<![/\w])inference\s+\K[0-9.]+' | head -1)")
done
run_peer
python3 - "${peer[@]}" -- "${ours_train[@]}" -- "${ours_infer[@]}" <<'PY'
import statistics, sys
args = sys.argv[1:]
i = args.index("--"); j = args.index("--", i + 1)
peer = [tuple(map(float, p.split())) for p in args[:i]]
train, infer = list(map(float, args[i + 1:j])), list(map(float, args[j + 1:]))
pt, pi = statistics.median(p[0] for p in peer), statistics.median(p[1] for p in peer)
ot, oi = statistics.median(train), statistics.median(infer)
print(f"medians over {len(train)} rounds: training ours {ot:.0f} vs PyTorch {pt:.0f} img/s = {ot / pt:.2f}x; "
      f"inference ours {oi:.0f} vs PyTorch {pi:.0f} img/s = {oi / pi:.2f}x")
PY
