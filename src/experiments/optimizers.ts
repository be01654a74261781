// What the kernel regime says of each optimiser (issue 13 §2, DESIGN §7.4): with H fixed and
// e = u − y, GD e(k+1) = (I − ηH)e(k); heavy ball e(k+1) = ((1+β)I − ηH)e(k) − βe(k−1); Nesterov
// e(k+1) = (1+β)(I − ηH)e(k) − β(I − ηH)e(k−1) at its look-ahead point (train()'s state and
// curves); mini-batch SGD's mean E[e(k+1)] = (I − ηH)E[e(k)]. Each starts with no velocity: e(−1) =
// e(0), and for Nesterov (I − ηH)e(−1) = e(0), the residual at W(0) = Y(0). Also SGD with its own
// batches (sgdKernelRegimeTrajectory), the stability limits and Polyak's pair.
import { OverparamRangeError } from '../errors.js';
import type { Optimizer } from '../training/optimizer.js';
import { BatchSampler, optimizerBeta } from '../training/optimizer.js';
import { kernelRegimeStep, largestStableStep } from './theory.js';

/**
 * The largest stable η of an optimiser on a quadratic with top eigenvalue λ_max (sum loss): GD and
 * SGD's mean 2/λ_max; heavy ball 2(1 + β)/λ_max (a mode λ is stable iff 0 < ηλ < 2(1 + β));
 * Nesterov 2(1 + β)/((1 + 2β)λ_max) (where its characteristic polynomial has the root −1). SGD with
 * momentum: heavy ball's, for the mean.
 */
export function optimizerStabilityLimit(lambdaMax: number, optimizer: Optimizer = { kind: 'gd' }): number {
  const gd = largestStableStep(lambdaMax, 'sum', 1);
  const beta = optimizerBeta(optimizer);
  if (optimizer.kind === 'nesterov') return (gd * (1 + beta)) / (1 + 2 * beta);
  return gd * (1 + beta); // heavy ball (and SGD's momentum); β = 0 is GD's 2/λ_max
}

/** optimizerStabilityLimit's rule in symbols, λ_max being the kernel's: '2/λ_max', '2(1+β)/λ_max (β = 0.9)', …. */
export function optimizerStabilityRule(optimizer: Optimizer = { kind: 'gd' }): string {
  const beta = optimizerBeta(optimizer);
  if (beta === 0) return '2/λ_max';
  return optimizer.kind === 'nesterov' ? `2(1+β)/((1+2β)λ_max) (β = ${beta})` : `2(1+β)/λ_max (β = ${beta})`;
}

/** {@link polyakParameters}: Polyak's optimal heavy ball and the rates it promises. */
export interface PolyakParameters {
  /** η* = 4/(√λ_max + √λ0)². */
  eta: number;
  /** β* = ((√κ − 1)/(√κ + 1))². */
  beta: number;
  /** κ = λ_max/λ0. */
  kappa: number;
  /** (√κ − 1)/(√κ + 1): the factor per step by which heavy ball at (η*, β*) shrinks every mode (asymptotically). */
  rate: number;
  /** GD's best step 2/(λ_max + λ0). */
  gdEta: number;
  /** GD's best factor per step, (κ − 1)/(κ + 1). */
  gdRate: number;
}

/**
 * Polyak's heavy-ball pair for a quadratic with spectrum in [λ0, λ_max] (DESIGN §7.4), with the
 * rate it promises beside GD's best.
 *
 * @example
 * const { eta, beta, rate, gdRate } = polyakParameters(lambdaMax, lambda0);
 * train(net, X, y, { eta, steps: 100, optimizer: { kind: 'momentum', beta } });
 */
export function polyakParameters(lambdaMax: number, lambda0: number): PolyakParameters {
  if (!(lambda0 > 0 && lambdaMax >= lambda0 && Number.isFinite(lambdaMax))) {
    throw new OverparamRangeError('BAD_VALUE', `polyakParameters: need 0 < λ0 ≤ λ_max < ∞, got λ0 = ${lambda0}, λ_max = ${lambdaMax}`);
  }
  const kappa = lambdaMax / lambda0, s = Math.sqrt(kappa);
  const rate = (s - 1) / (s + 1);
  return {
    eta: 4 / (Math.sqrt(lambdaMax) + Math.sqrt(lambda0)) ** 2, beta: rate * rate, kappa, rate,
    gdEta: 2 / (lambdaMax + lambda0), gdRate: (kappa - 1) / (kappa + 1),
  };
}

/**
 * The kernel regime's residuals e(k), k = 0..steps, for an optimiser (DESIGN §7.4) with the n×n
 * row-major H fixed and e(0) given (e(−1) = e(0)): GD and SGD's mean through (I − ηH); heavy ball
 * and SGD's momentum through ((1+β)I − ηH)e(k) − βe(k−1); Nesterov through
 * (1+β)(I − ηH)e(k) − β(I − ηH)e(k−1), e(1) = (I − (1+β)ηH)e(0): the residual at the look-ahead
 * point Y(k) = W(k) + β(W(k) − W(k−1)), which train() records for Nesterov. η is the sum loss's (train's η·m^(2γ−1), ÷ n for 'mean').
 * Returns ‖e(k)‖² and the final e.
 */
export function kernelRegimeTrajectory(H: ArrayLike<number>, n: number, eta: number, e0: ArrayLike<number>, steps: number,
  optimizer: Optimizer = { kind: 'gd' }): { residualSq: Float64Array; residual: Float64Array } {
  const beta = optimizerBeta(optimizer);
  let prev = Float64Array.from(e0), cur = Float64Array.from(e0);
  // Nesterov's (I − ηH)e(k−1): the residual at W(k), the point behind the look-ahead Y(k); W(0) = Y(0).
  let prevStep = Float64Array.from(e0);
  const next = new Float64Array(n), step = new Float64Array(n);
  const residualSq = new Float64Array(steps + 1);
  const norm = (v: Float64Array): number => v.reduce((s, x) => s + x * x, 0);
  residualSq[0] = norm(cur);
  for (let k = 1; k <= steps; k++) {
    kernelRegimeStep(H, n, eta, cur, step); // (I − ηH) e(k)
    for (let i = 0; i < n; i++) {
      next[i] = optimizer.kind === 'nesterov'
        ? (1 + beta) * step[i] - beta * prevStep[i]
        : step[i] + beta * (cur[i] - prev[i]); // ((1+β)I − ηH)e − βe(k−1)
    }
    prevStep = Float64Array.from(step);
    prev = Float64Array.from(cur);
    cur = Float64Array.from(next);
    residualSq[k] = norm(cur);
  }
  return { residualSq, residual: cur };
}

/**
 * The kernel regime of mini-batch SGD with the batches train() draws for `optimizer` (its seed,
 * BatchSampler): e(k+1) = e(k) + β(e(k) − e(k−1)) − ηH·D_k e(k), D_k = (n/b)·diag(1 on batch k)
 * (DESIGN §7.4 with the batch's residual; β = optimizer.momentum or 0), e(−1) = e(0). Its
 * expectation over the batches is the mean recursion of kernelRegimeTrajectory. Returns ‖e(k)‖².
 */
export function sgdKernelRegimeTrajectory(H: ArrayLike<number>, n: number, eta: number, e0: ArrayLike<number>, steps: number,
  optimizer: Extract<Optimizer, { kind: 'sgd' }>): Float64Array {
  const sampler = new BatchSampler(n, optimizer.batchSize, optimizer.seed ?? 0);
  const beta = optimizerBeta(optimizer), scale = n / optimizer.batchSize;
  let prev = Float64Array.from(e0), cur = Float64Array.from(e0);
  const residualSq = new Float64Array(steps + 1);
  residualSq[0] = cur.reduce((s, v) => s + v * v, 0);
  for (let k = 1; k <= steps; k++) {
    const batch = sampler.next();
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let step = 0; // (H·D_k e(k))_i
      for (const j of batch) step += H[i * n + j] * cur[j];
      next[i] = cur[i] + beta * (cur[i] - prev[i]) - eta * scale * step;
    }
    prev = cur;
    cur = next;
    residualSq[k] = cur.reduce((s, v) => s + v * v, 0);
  }
  return residualSq;
}
