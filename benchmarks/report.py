#!/usr/bin/env python3
"""Prints a JMH JSON result as a side-by-side table: for each benchmark class and parameter set,
the median score of every method (over all forks and iterations), and the ratio ours / peer for
every other method. Methods named ours* are ours; SgemmBenchmark scores are converted to GFLOP/s,
LowBitGemv/LowBitGemm scores to GOP/s (2 operations per multiply-add), and scores of suites with a
batch parameter and no FLOP count (ResNet, PackedResNet) to images/s. Where a method named oursFp32
or fp32 exists (the low-bit suites), every other method is shown as a speed-up over it."""
import json, statistics, sys
from collections import OrderedDict

def flops(bench, params):
    if bench.endswith("SgemmBenchmark"):
        s = params["shape"].rstrip("tAB")
        m, n, k = (int(v) for v in s.split("x"))
        return 2.0 * m * n * k / 1e9, "GFLOP/s"
    if bench.endswith("LowBitGemvBenchmark") or bench.endswith("LowBitGemmBenchmark"):
        batch = int(params.get("batch", 1))
        return 2.0 * batch * int(params["rows"]) * int(params["depth"]) / 1e9, "GOP/s"
    return None, None

rows = json.load(open(sys.argv[1]))
table = OrderedDict()
for r in rows:
    cls, method = r["benchmark"].rsplit(".", 1)
    params = r.get("params", {})
    raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
    med = statistics.median(raw)
    scale, unit = flops(cls, params)
    if scale: med *= scale
    elif "batch" in params and r["primaryMetric"]["scoreUnit"] == "ops/s":
        med *= int(params["batch"])
        unit = "img/s"
    else: unit = r["primaryMetric"]["scoreUnit"]
    key = (cls.rsplit(".", 1)[-1], tuple(sorted(params.items())))
    table.setdefault(key, OrderedDict())[method] = (med, unit, len(raw))
for (cls, params), methods in table.items():
    label = " ".join(f"{k}={v}" for k, v in params) or "-"
    speedup_base = next((b for b in ("oursFp32", "fp32") if b in methods), None)
    if speedup_base:
        base_name = speedup_base
        base, unit, _ = methods[base_name]
        order = [base_name] + [m for m in methods if m != base_name]
        cells = "  ".join(f"{m} {methods[m][0]:9.2f}" + ("" if m == base_name else f" ({m}/{base_name} {methods[m][0] / base:5.2f})") for m in order)
    else:
        base_name = "ours" if "ours" in methods else next(iter(methods))
        base, unit, _ = methods[base_name]
        order = [base_name] + [m for m in methods if m != base_name]
        cells = "  ".join(f"{m} {methods[m][0]:9.2f}" + ("" if m == base_name else f" (ours/{m} {base / methods[m][0]:5.2f})") for m in order)
    print(f"{cls:22s} {label:28s} [{unit}, medians]  {cells}")
