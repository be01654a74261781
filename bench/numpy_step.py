#!/usr/bin/env python3
"""The numpy yardstick for `npm run bench` (optional: the bench skips it when numpy is absent).

Times, in float32 unless said otherwise, the same workloads the TypeScript bench times:
  - one GD step of the two-layer ReLU net (eq. 3-4): Z = X W^T, u = relu(Z) a / sqrt(m),
    e = u - y, G = D^T X with D = (e a^T / sqrt(m)) * 1{Z >= 0}, W -= eta G  (4nmd flops);
  - H(k) = K * (M M^T) / m from the pre-activations Z and the fixed float64 K = X X^T (eq. 5),
    with the activation pattern M as float32 0/1 so M M^T is one BLAS call (numpy uses syrk
    for `M @ M.T`), which is numpy's natural route;
  - the pattern-change fraction mean(M(k) != M(0));
  - eigvalsh (all eigenvalues) of the Gram matrix the bench passes in --gram (float64).

Prints one JSON object on stdout: medians in milliseconds plus the library versions.
Usage: python3 bench/numpy_step.py [--n N --d D --step-m M1,M2 --gram-m M] [--gram PATH --gram-n N]
       [--repeats R]   (defaults: the paper size n = d = 1000, m = 1000 and 10 000)
"""
import argparse
import json
import os
import platform
import sys
import time


def median_ms(fn, repeats):
    fn()  # warm-up: first-touch page faults and BLAS thread start are not part of a step
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--d", type=int, default=1000)
    parser.add_argument("--step-m", default="1000,10000", help="comma-separated widths m for the GD step")
    parser.add_argument("--gram-m", type=int, default=10000)
    parser.add_argument("--gram", help="raw little-endian float64 n*n file")
    parser.add_argument("--gram-n", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"available": False, "reason": "numpy is not installed"}))
        return

    rng = np.random.default_rng(1)
    n, d = args.n, args.d
    step_ms = [int(m) for m in args.step_m.split(",") if m]
    gram_m = args.gram_m
    eta = np.float32(1e-3)
    out = {
        "available": True,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas_name(np),
        # OpenBLAS uses every core unless told otherwise; the yardstick is the default.
        "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default (all cores)"),
        "n": n, "d": d,
        "step": {}, "gram": {}, "eig": {},
    }

    X = rng.standard_normal((n, d), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = rng.standard_normal(n, dtype=np.float32)

    for m in step_ms:
        W = rng.standard_normal((m, d), dtype=np.float32)
        a = np.where(rng.random(m) < 0.5, -1.0, 1.0).astype(np.float32)
        scale = np.float32(1 / np.sqrt(m))

        def step():
            nonlocal W
            Z = X @ W.T
            active = Z >= 0
            u = (np.maximum(Z, 0) @ a) * scale
            e = u - y
            D = np.outer(e, a * scale) * active
            W -= eta * (D.T @ X)

        out["step"][str(m)] = median_ms(step, args.repeats)

    W = rng.standard_normal((gram_m, d), dtype=np.float32)
    Z = X @ W.T
    Z0 = Z + rng.standard_normal(Z.shape, dtype=np.float32) * np.float32(0.01)
    K = (X.astype(np.float64) @ X.astype(np.float64).T)

    def gram_from_preactivations():
        M = (Z >= 0).astype(np.float32)
        return K * (M @ M.T) / gram_m

    def pattern_change_fraction():
        return np.count_nonzero((Z >= 0) != (Z0 >= 0)) / Z.size

    out["gram"] = {
        "m": gram_m,
        "H_from_Z_ms": median_ms(gram_from_preactivations, args.repeats),
        "K_f64_ms": median_ms(lambda: X.astype(np.float64) @ X.astype(np.float64).T, args.repeats),
        "pattern_change_ms": median_ms(pattern_change_fraction, args.repeats),
    }

    if args.gram and args.gram_n > 0:
        H = np.fromfile(args.gram, dtype="<f8").reshape(args.gram_n, args.gram_n)
        eig = np.linalg.eigvalsh(H)
        out["eig"] = {
            "n": args.gram_n,
            "eigvalsh_ms": median_ms(lambda: np.linalg.eigvalsh(H), max(3, args.repeats // 2)),
            "lambda_min": float(eig[0]),
            "lambda_max": float(eig[-1]),
        }
    print(json.dumps(out))


def blas_name(np):
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f'{blas.get("name", "?")} {blas.get("version", "")}'.strip()
    except Exception:  # older numpy: show_config prints instead of returning
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
