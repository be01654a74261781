"""numpy peer of bench/dense_step.ts: one GD step of the two-layer tanh network (DESIGN §7.1,
alpha = 1, gamma = 1/2), float32, in the two forms numpy would write:

  primal:       Z = X W^T; T = tanh(Z); u = T a / sqrt(m); e = u - y
                D = (1 - T^2) * e[:, None] * (a / sqrt(m)); W -= eta * D^T X        (4nmd flops)
  kernel space: Z held (n x m); T = tanh(Z); u, e as above; D as above
                Z -= eta * K D  with K = X X^T fixed                                 (2n^2 m flops)

Both are timed (median of --repeats after one warm-up); the bench takes the faster as numpy's
number. Prints one JSON object.
Usage: python3 bench/numpy_dense_step.py [--n N --d D --m M --repeats R]
"""
import argparse
import json
import os
import sys
import time


def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2], times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--d", type=int, default=1000)
    parser.add_argument("--m", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"available": False, "reason": "numpy is not installed"}))
        return
    n, d, m = args.n, args.d, args.m
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d), dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = rng.standard_normal(n, dtype=np.float32)
    W = rng.standard_normal((m, d), dtype=np.float32)
    a = np.where(rng.random(m) < 0.5, -1.0, 1.0).astype(np.float32)
    c = np.float32(1 / np.sqrt(m))
    ac = a * c
    eta = np.float32(0.1)
    K = X @ X.T
    Z = X @ W.T

    def primal():
        nonlocal W
        Zp = X @ W.T
        T = np.tanh(Zp)
        e = T @ ac - y
        D = (1 - T * T) * (e[:, None] * ac)
        W -= eta * (D.T @ X)

    def kernel():
        nonlocal Z
        T = np.tanh(Z)
        e = T @ ac - y
        D = (1 - T * T) * (e[:, None] * (eta * ac))
        Z -= K @ D

    primal_ms, primal_all = median_ms(primal, args.repeats)
    kernel_ms, kernel_all = median_ms(kernel, args.repeats)
    gemm_ms, _ = median_ms(lambda: K @ Z, args.repeats)
    print(json.dumps({
        "available": True, "numpy": np.__version__, "n": n, "d": d, "m": m,
        "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default (all cores)"),
        "primal_ms": primal_ms, "kernel_ms": kernel_ms, "primal_all": primal_all, "kernel_all": kernel_all,
        "gemm_K_Z_ms": gemm_ms,
    }))


if __name__ == "__main__":
    sys.exit(main())
