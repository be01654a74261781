// Float64 reference for train()'s optimisers (issue 13, DESIGN §7.4), written from the update
// rules on W (not from the kernels or the kernel-space extrapolation): heavy ball
// V ← βV − η'∇L, W ← W + V; Nesterov in PyTorch's `nesterov=True` form on its look-ahead
// parameters P = W + βV (the curves and the returned weights at P): g = ∇L(P), B ← βB + g,
// P ← P − η'(g + βB), B(0) = 0; SGD the residual masked to the batch and scaled by n/b, with heavy
// ball when `momentum` is given.
// The model and gradient are test/reference/dense.ts's (DESIGN §7.1), so ReLU and smooth ψ alike.
import { effectiveStep, forwardFromZ, gradients, preactivations, type DenseProblem } from './dense';

export type ReferenceOptimizer =
  | { kind: 'gd' } | { kind: 'momentum'; beta: number } | { kind: 'nesterov'; beta: number }
  | { kind: 'sgd'; batchSize: number; momentum?: number; batches: (step: number) => ArrayLike<number> };

/** ‖y − u(k)‖², k = 0..steps, and W(steps) (Nesterov: P(steps)), training the first layer only. */
export function optimizerHistory(p: DenseProblem, W0: Float64Array, a: Float64Array, steps: number,
  opt: ReferenceOptimizer): { residualSq: number[]; W: Float64Array } {
  const { X, y, n, d, m, model } = p;
  const eta = effectiveStep(p);
  const beta = opt.kind === 'momentum' || opt.kind === 'nesterov' ? opt.beta : opt.kind === 'sgd' ? opt.momentum ?? 0 : 0;
  let W = Float64Array.from(W0);
  let V = new Float64Array(m * d);
  const residual = (at: Float64Array): { e: Float64Array; Z: Float64Array } => {
    const Z = preactivations(X, n, d, at, m);
    const u = forwardFromZ(Z, n, m, a, model);
    return { e: Float64Array.from(u, (v, i) => v - y[i]), Z };
  };
  const residualSq: number[] = [];
  for (let k = 0; ; k++) {
    const { e, Z } = residual(W);
    residualSq.push(e.reduce((s, v) => s + v * v, 0));
    if (k === steps) break;
    let atE = e;
    if (opt.kind === 'sgd') {
      const batch = opt.batches(k), masked = new Float64Array(n);
      for (let j = 0; j < batch.length; j++) masked[batch[j]] = atE[batch[j]] * (n / opt.batchSize);
      atE = masked;
    }
    const { gW } = gradients(X, n, d, Z, m, a, atE, model);
    if (opt.kind === 'nesterov') {
      // W holds P; V holds PyTorch's buffer B.
      V = Float64Array.from(V, (b, i) => beta * b + gW[i]);
      W = Float64Array.from(W, (p, i) => p - eta * (gW[i] + beta * V[i]));
      continue;
    }
    V = Float64Array.from(V, (v, i) => beta * v - eta * gW[i]);
    W = Float64Array.from(W, (w, i) => w + V[i]);
  }
  return { residualSq, W };
}
