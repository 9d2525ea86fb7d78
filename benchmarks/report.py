#!/usr/bin/env python3
"""Prints a JMH JSON result as a side-by-side table: for each benchmark class and parameter set,
the median score of every method (over all forks and iterations), and the ratio ours / peer for
every other method. Methods named ours* are ours; SgemmBenchmark scores are converted to GFLOP/s,
LowBitGemv/LowBitGemm scores to GOP/s (2 operations per multiply-add), and scores of suites with a
batch parameter and no FLOP count (ResNet, PackedResNet) to images/s. Where a method named oursFp32
or fp32 exists (the low-bit suites), every other method is shown as a speed-up over it.

With --rounds FILE..., each file one JMH run of the same benchmarks (benchmarks/rounds.sh), prints
every run's ratios and then, per parameter set, the median over runs of each method's score and of
each ratio: a ratio is taken within one run, so the machine's slow and fast phases (which move
both sides) cancel in it rather than in the medians of scores measured minutes apart."""
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

def summarize(rows):
    """(class, params) -> method -> (median score in display units, unit, sample count)."""
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
    return table

def cells(methods):
    """Columns of one row: the base method, then every other with its ratio; also {method: ratio}."""
    speedup_base = next((b for b in ("oursFp32", "fp32") if b in methods), None)
    base_name = speedup_base or ("ours" if "ours" in methods else next(iter(methods)))
    base = methods[base_name][0]
    order = [base_name] + [m for m in methods if m != base_name]
    ratios, out = {}, []
    for m in order:
        v = methods[m][0]
        if m == base_name:
            out.append(f"{m} {v:9.2f}")
        elif speedup_base:
            ratios[f"{m}/{base_name}"] = v / base
            out.append(f"{m} {v:9.2f} ({m}/{base_name} {v / base:5.2f})")
        else:
            ratios[f"ours/{m}"] = base / v
            out.append(f"{m} {v:9.2f} (ours/{m} {base / v:5.2f})")
    return "  ".join(out), ratios

def label(params):
    return " ".join(f"{k}={v}" for k, v in params) or "-"

if len(sys.argv) > 1 and sys.argv[1] == "--rounds":
    runs = [summarize(json.load(open(f))) for f in sys.argv[2:]]
    for i, table in enumerate(runs, 1):
        for (cls, params), methods in table.items():
            print(f"run {i:2d}  {cls:22s} {label(params):28s} {cells(methods)[0]}")
    keys = OrderedDict((key, None) for table in runs for key in table)
    for key in keys:
        cls, params = key
        present = [table[key] for table in runs if key in table]
        unit = next(iter(present[0].values()))[1]
        methods = list(OrderedDict((m, None) for t in present for m in t))
        scores = OrderedDict((m, statistics.median(t[m][0] for t in present if m in t)) for m in methods)
        ratios = [cells(t)[1] for t in present]
        names = list(OrderedDict((r, None) for x in ratios for r in x))
        summary = "  ".join(f"{m} {v:9.2f}" for m, v in scores.items())
        summary += "  " + "  ".join(f"{r} {statistics.median(x[r] for x in ratios if r in x):5.2f} "
                                    f"[{min(x[r] for x in ratios if r in x):.2f}-{max(x[r] for x in ratios if r in x):.2f}]" for r in names)
        print(f"median of {len(present)} runs  {cls:22s} {label(params):28s} [{unit}]  {summary}")
else:
    for (cls, params), methods in summarize(json.load(open(sys.argv[1]))).items():
        unit = next(iter(methods.values()))[1]
        print(f"{cls:22s} {label(params):28s} [{unit}, medians]  {cells(methods)[0]}")
