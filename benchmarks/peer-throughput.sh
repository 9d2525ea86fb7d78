#!/usr/bin/env bash
# PyTorch peer for ResNetBenchmark: the same ResNet, batch and thread count, in the same minute.
# Needs Debian's python3-torch (apt-get install python3-torch). Usage: peer-throughput.sh [depth] [batch] [threads]
# BENCH_WIDTH=256 or 128 restricts PyTorch to AVX2 or SSE4.1 (see width.sh), as run.sh --width does ours.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/width.sh"
peers="$here/../../shared/peers"
[ -f "$peers/throughput.py" ] || { echo "peer script not found at $peers (../shared/peers beside the checkout)" >&2; exit 1; }
cd "$peers" && exec /usr/bin/python3 throughput.py "${1:-20}" "${2:-128}" "${3:-2}"
