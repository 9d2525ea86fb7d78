#!/usr/bin/env bash
# PyTorch peer for PackedResNetBenchmark: its fp32 and int8 (FX static quantization, its x86/fbgemm/oneDNN
# backend) inference of the same ResNet, batch and threads, in the same minute. Needs Debian's python3-torch
# and the team's peer scripts in ../shared/peers beside the checkout (an optional benchmark input).
# Usage: peer-int8.sh [depth] [batch] [threads]; BENCH_WIDTH=256 or 128 restricts PyTorch as width.sh says.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/width.sh"
peers="$here/../../shared/peers"
[ -f "$peers/int8_infer.py" ] || { echo "peer script not found at $peers (../shared/peers beside the checkout)" >&2; exit 1; }
cd "$peers" && exec /usr/bin/python3 int8_infer.py "${1:-20}" "${2:-64}" "${3:-2}"
