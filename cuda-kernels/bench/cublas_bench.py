#!/usr/bin/env python3
"""The cuBLAS peer of GpuBench (docs/gpu.md), run in the same call on the same GPU.

C = A @ W.T through PyTorch (cuBLAS) for A of M x K and W of N x K, K = N in {4096, 8192},
M in {1, 16, 64, 256, 1024}, in fp16 and in fp32 (TF32 off: true fp32 arithmetic), timed with
CUDA events back to back and with a sync per launch, exactly as GpuBench times our kernels.
Weights rotate over copies spanning three L2 caches, and a device-to-device copy measured here
gives the bandwidth yardstick.

    python3 cuda-kernels/bench/cublas_bench.py [--sizes 4096,8192] [--batches 1,16,64,256,1024]
                                               [--millis 200] [--csv cublas.csv]
"""
import argparse
import csv
import time

import torch

COPY_BYTES = 1 << 30


def timing(launch, millis):
    """(iterations, us back to back, us synced on the GPU clock, us synced on the wall clock)."""
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(3):
        launch()
    torch.cuda.synchronize()
    start.record()
    launch()
    stop.record()
    stop.synchronize()
    once = max(start.elapsed_time(stop), 1e-3)
    iterations = int(max(10, min(2000, millis / once)))

    start.record()
    for _ in range(iterations):
        launch()
    stop.record()
    stop.synchronize()
    back_to_back = 1000.0 * start.elapsed_time(stop) / iterations

    synced = 0.0
    wall_start = time.perf_counter()
    for _ in range(iterations):
        start.record()
        launch()
        stop.record()
        stop.synchronize()
        synced += start.elapsed_time(stop)
    wall = (time.perf_counter() - wall_start) * 1e6 / iterations
    return iterations, back_to_back, 1000.0 * synced / iterations, wall


def copies_for(weight_bytes, l2_bytes):
    return max(1, min(64, -(-3 * l2_bytes // weight_bytes)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="4096,8192")
    parser.add_argument("--batches", default="1,16,64,256,1024")
    parser.add_argument("--millis", type=float, default=200.0)
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    batches = [int(b) for b in args.batches.split(",")]

    if not torch.cuda.is_available():
        raise SystemExit("cublas_bench: PyTorch sees no CUDA device")
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    l2 = getattr(props, "L2_cache_size", 50 << 20)
    print(f"device: {props.name}, {props.multi_processor_count} SMs, L2 {l2 >> 20} MiB; torch {torch.__version__}")

    src = torch.empty(COPY_BYTES, dtype=torch.uint8, device=dev)
    dst = torch.empty_like(src)
    _, copy_us, _, _ = timing(lambda: dst.copy_(src), args.millis)
    copy_gbps = 2 * COPY_BYTES / (copy_us * 1e3)
    del src, dst
    print(f"device-to-device copy: {copy_gbps:.0f} GB/s (bytes read + written, {COPY_BYTES >> 20} MiB)\n")

    print("| K = N | M | kernel | µs back to back | µs synced (GPU) | µs synced (wall) | GB/s | % of copy | TFLOP/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for size in sizes:
        for dtype, name in ((torch.float16, "cublas fp16"), (torch.float32, "cublas fp32")):
            elem = torch.finfo(dtype).bits // 8
            weight_bytes = size * size * elem
            weights = [torch.randn(size, size, device=dev, dtype=dtype) for _ in range(copies_for(weight_bytes, l2))]
            for m in batches:
                a = torch.randn(m, size, device=dev, dtype=dtype)
                out = torch.empty(m, size, device=dev, dtype=dtype)
                turn = [0]

                def launch():
                    w = weights[turn[0] % len(weights)]
                    turn[0] += 1
                    torch.matmul(a, w.t(), out=out)

                iters, b2b, synced, wall = timing(launch, args.millis)
                moved = weight_bytes + 2 * m * size * elem
                gbps = moved / (b2b * 1e3)
                tflops = 2.0 * m * size * size / (b2b * 1e6)
                row = [size, m, name, f"{b2b:.1f}", f"{synced:.1f}", f"{wall:.1f}", f"{gbps:.0f}",
                       f"{100 * gbps / copy_gbps:.1f}", f"{tflops:.2f}"]
                rows.append(row)
                print("| " + " | ".join(str(x) for x in row) + " |", flush=True)
            del weights
            torch.cuda.empty_cache()

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["k_n", "m", "kernel", "us_back_to_back", "us_synced_gpu", "us_synced_wall", "gb_per_s",
                        "percent_of_copy", "tflops", "copy_gb_per_s"])
            for r in rows:
                w.writerow(r + [f"{copy_gbps:.0f}"])
        print(f"\nwrote {args.csv}")


if __name__ == "__main__":
    main()
