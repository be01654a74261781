#!/usr/bin/env python3
"""numpy doing the work of `overparam figure1 --preset paper` (widthSweep, src/experiments/widthSweep.ts).

The same phases, in numpy's natural form: float32 for the network (as the package), float64 for
the Gram matrices and their spectra (as the package):
  limit: H-inf over [Xtest; X] (one arccos kernel of n + t rows), eigh of its training block,
         and the input diagnostics' Gram matrix X X^T;
  setup, per width: a random net, H(0) = K * (M M^T)/m from Z = X W^T, its extreme eigenvalues
         and ||H(0) - H-inf||_2 (eigvalsh of the difference);
  train, per width: u(0) and f0 on the test points, 100 GD steps (eq. 3-4) recording ||y - u(k)||^2,
         the pattern-change fraction and max_r ||w_r(k) - w_r(0)||, lambda_min(H(k)) every 10 steps
         and at the end (eigvalsh), then the trained net's test predictions, the kernel predictor
         from the same start (eigh of H-inf reused), the converged NTK predictor (Cholesky solve)
         and the infinite-width residual curve.
Prints JSON: seconds per phase (each width's train phase split into the steps, lambda_min(H(k))
included as in the TypeScript bench, and the rest).
Usage: python3 bench/numpy_figure1.py [--n 1000 --d 1000 --widths 100,1000,10000 --steps 100 --test 200]
"""
import argparse
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--d", type=int, default=1000)
    parser.add_argument("--widths", default="100,1000,10000")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--test", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"available": False, "reason": "numpy is not installed"}))
        return 0
    n, d, t, steps = args.n, args.d, args.test, args.steps
    widths = sorted(int(w) for w in args.widths.split(","))
    gram_every = max(1, -(-steps // 10))
    rng = np.random.default_rng(args.seed)
    phases = {}
    start = time.perf_counter()

    # Data on the unit sphere (sphereData), labels in [-1, 1].
    P = rng.standard_normal((n + t, d)).astype(np.float32)
    P /= np.linalg.norm(P, axis=1, keepdims=True)
    X, Xtest = P[:n], P[n:]
    y = rng.uniform(-1, 1, n).astype(np.float32)

    # Phase "limit": H-inf over the stacked rows, its eigh, the diagnostics' Gram matrix.
    t0 = time.perf_counter()
    S = np.concatenate([Xtest, X]).astype(np.float64)
    G = S @ S.T
    norms = np.sqrt(np.diag(G))
    C = np.clip(G / np.outer(norms, norms), -1.0, 1.0)
    Hall = G * (np.pi - np.arccos(C)) / (2 * np.pi)
    Hinf, Hcross = Hall[t:, t:].copy(), Hall[:t, t:].copy()
    evals, evecs = np.linalg.eigh(Hinf)
    lambda0, lambda_max_inf = evals[0], evals[-1]
    K = X.astype(np.float64) @ X.astype(np.float64).T  # the diagnostics' and H(k)'s Gram matrix
    phases["limit"] = time.perf_counter() - t0

    def net(m, seed):
        r = np.random.default_rng(seed * 1000 + m)
        return r.standard_normal((m, d), dtype=np.float32), np.where(r.random(m) < 0.5, -1.0, 1.0).astype(np.float32)

    def gram(Z, m):
        M = (Z >= 0).astype(np.float32)
        return K * (M @ M.T).astype(np.float64) / m

    # Phase "setup": H(0) of every net and its spectra, for the step size.
    t0 = time.perf_counter()
    lam_max = [lambda_max_inf]
    for m in widths:
        W, a = net(m, args.seed + 1)
        H0 = gram(X @ W.T, m)
        ev = np.linalg.eigvalsh(H0)
        lam_max.append(ev[-1])
        np.abs(np.linalg.eigvalsh(H0 - Hinf)).max()
    phases["setup"] = time.perf_counter() - t0
    eta = np.float32(0.25 * 2 / max(lam_max))

    chol = np.linalg.cholesky(Hinf)
    for m in widths:
        t0 = time.perf_counter()
        W, a = net(m, args.seed + 1)
        W0 = W.copy()
        scale = np.float32(1 / np.sqrt(m))
        Z = X @ W.T
        u0 = (np.maximum(Z, 0) @ a) * scale
        f0 = (np.maximum(Xtest @ W.T, 0) @ a) * scale
        act0 = Z >= 0
        residual, pattern, distance, lam_min = [], [], [], []
        step_time = 0.0
        for k in range(steps + 1):
            s0 = time.perf_counter()
            Z = X @ W.T
            active = Z >= 0
            u = (np.maximum(Z, 0) @ a) * scale
            e = u - y
            residual.append(float(e.astype(np.float64) @ e))
            pattern.append(np.count_nonzero(active != act0) / active.size)
            distance.append(float(np.sqrt(((W - W0) ** 2).sum(axis=1)).max()))
            if k < steps:
                D = np.outer(e, a * scale) * active
                W -= eta * (D.T @ X)
            if k % gram_every == 0 or k == steps:
                lam_min.append(np.linalg.eigvalsh(gram(Z, m))[0])
            # As the TypeScript bench counts it: a step's span includes its lambda_min(H(k)).
            step_time += time.perf_counter() - s0
        trained = (np.maximum(Xtest @ W.T, 0) @ a) * scale
        r0 = (y - u0).astype(np.float64)
        c = evecs.T @ r0
        decay = (1 - float(eta) * evals)
        np.array([((decay ** k * c) ** 2).sum() for k in range(steps + 1)])  # infinite-width residuals
        moved = evecs @ ((1 - decay ** steps) / evals * c)  # H-inf^-1 (I - (I - eta H-inf)^k) r0
        kernel = f0 + Hcross @ moved
        ntk = Hcross @ np.linalg.solve(chol.T, np.linalg.solve(chol, y.astype(np.float64)))
        float(np.sqrt(((trained - kernel) ** 2).mean())), float(np.sqrt(((trained - ntk) ** 2).mean()))
        total = time.perf_counter() - t0
        phases[f"m={m}"] = {"total": total, "steps": step_time, "rest": total - step_time}
    phases["total"] = time.perf_counter() - start
    print(json.dumps({"available": True, "numpy": np.__version__, "seconds": phases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
