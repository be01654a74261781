// train(…, { flow }) (issue 14 §1): the run follows the finite-width linearised gradient flow
// r(t) = exp(−H(0)·t) r(0), everything on the test's side computed in float64 from W(0) and from
// the weights the run reports at every step (its own Jacobi eigenvectors, not the library's eigh).
import { beforeAll, describe, expect, it } from 'vitest';
import { init, TwoLayerNet, train, type Activation, type FlowTrainOptions, type TrainFlow, type TrainResult } from '../src/index';
import { randomCase, type Case } from './helpers';
import { denseGram, forwardFromZ, linearKernel, preactivations } from './reference/dense';
import { jacobiEigenpairs } from './reference/modes';
import { symmetricSpectralNorm } from './reference/eigen';

beforeAll(() => init());

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** max |ψ″| of the smooth activations used here (tanh″ = −2 tanh·sech², largest at tanh² = 1/3). */
const SECOND_DERIVATIVE_BOUND: Partial<Record<Activation, number>> = { tanh: 4 / (3 * Math.sqrt(3)) };

/**
 * |ψ(z + Δ) − ψ(z) − ψ′(z)Δ|, bounded: for ReLU 0 unless the sign flips, then ≤ |Δ| (ReLU is linear
 * on each side, and |z| ≤ |Δ| when z and z + Δ differ in sign); for smooth ψ, ½·max|ψ″|·Δ² (Taylor).
 */
function linearisationRemainder(act: Activation, z: number, dz: number): number {
  if (act === 'relu') return (z >= 0) !== (z + dz >= 0) ? Math.abs(dz) : 0;
  return 0.5 * SECOND_DERIVATIVE_BOUND[act]! * dz * dz;
}

interface FlowCase { n: number; d: number; m: number; activation: Activation; loss: 'sum' | 'mean'; horizon: number; tolerance: number; seed: number }

/** The float64 side of one case: H(0), its eigenpairs, r(0), and per step the run's r(k), ‖H(k) − H(0)‖₂ and one-step remainder. */
function runCase(fc: FlowCase, extra: Partial<FlowTrainOptions> = {}) {
  const c: Case = randomCase(fc.n, fc.d, fc.m, fc.seed);
  const { n, d, m } = c;
  const model = { act: fc.activation };
  const K = linearKernel(c.X64, n, d);
  const Z0 = preactivations(c.X64, n, d, c.W64, m);
  const H0 = denseGram(K, Z0, n, m, c.a64, model, 'first');
  const u0 = forwardFromZ(Z0, n, m, c.a64, model);
  const r0 = Float64Array.from(c.y64, (v, i) => v - u0[i]);
  const eigen = jacobiEigenpairs(H0, n);

  const residuals: Float64Array[] = [];
  const kernelMotion: number[] = []; // ‖H(k) − H(0)‖₂
  const remainders: number[] = []; // bound on ‖ε_k‖, the step's departure from u(k+1) − u(k) = −η H(k) e(k)
  let previousZ: Float64Array | undefined;
  const net = TwoLayerNet.fromWeights(c.W, c.a, { activation: fc.activation });
  let result: TrainResult & { flow: TrainFlow };
  try {
    result = train(net, c.X, c.y, {
      flow: { horizon: fc.horizon, tolerance: fc.tolerance }, loss: fc.loss, ...extra,
      onStep: ({ step }) => {
        const W = Float64Array.from(net.weights().W.data);
        const Z = preactivations(c.X64, n, d, W, m);
        const u = forwardFromZ(Z, n, m, c.a64, model);
        residuals[step] = Float64Array.from(c.y64, (v, i) => v - u[i]);
        kernelMotion[step] = symmetricSpectralNorm(denseGram(K, Z, n, m, c.a64, model, 'first'), H0, n);
        if (previousZ) {
          const e = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let r = 0; r < m; r++) s += linearisationRemainder(fc.activation, previousZ[i * m + r], Z[i * m + r] - previousZ[i * m + r]);
            e[i] = s / Math.sqrt(m); // |a_r| = 1, α = 1, γ = ½
          }
          remainders[step - 1] = norm(e);
        }
        previousZ = Z;
      },
    });
  } finally {
    net.dispose();
  }
  return { c, H0, r0, eigen, residuals, kernelMotion, remainders, result: result! };
}

/** exp(−s·H·t) r0 through H's Jacobi eigenpairs. */
function flowAt(eigen: { values: number[]; vectors: number[][] }, r0: Float64Array, t: number): Float64Array {
  const out = new Float64Array(r0.length);
  eigen.values.forEach((lambda, j) => {
    const v = eigen.vectors[j];
    let p = 0;
    for (let i = 0; i < r0.length; i++) p += v[i] * r0[i];
    const c = Math.exp(-lambda * t) * p;
    for (let i = 0; i < r0.length; i++) out[i] += c * v[i];
  });
  return out;
}

const CASES: FlowCase[] = [
  { n: 1, d: 3, m: 5, activation: 'relu', loss: 'sum', horizon: 2, tolerance: 1e-2, seed: 11 },
  { n: 1, d: 1, m: 3000, activation: 'relu', loss: 'sum', horizon: 1, tolerance: 1e-3, seed: 12 },
  { n: 7, d: 5, m: 21, activation: 'relu', loss: 'sum', horizon: 3, tolerance: 1e-2, seed: 13 },
  { n: 7, d: 9, m: 3001, activation: 'relu', loss: 'sum', horizon: 3, tolerance: 1e-2, seed: 14 },
  { n: 13, d: 6, m: 67, activation: 'relu', loss: 'sum', horizon: 2, tolerance: 1e-2, seed: 15 },
  { n: 13, d: 10, m: 4003, activation: 'relu', loss: 'sum', horizon: 4, tolerance: 1e-2, seed: 16 },
  { n: 13, d: 10, m: 4003, activation: 'relu', loss: 'mean', horizon: 40, tolerance: 1e-2, seed: 17 },
  { n: 7, d: 5, m: 2002, activation: 'tanh', loss: 'sum', horizon: 3, tolerance: 1e-2, seed: 18 },
];

describe('train with flow: the run follows exp(−H(0)t) r(0)', () => {
  it.each(CASES)('n=$n d=$d m=$m $activation, loss $loss, horizon $horizon, tolerance $tolerance', (fc) => {
    const { H0, r0, eigen, residuals, kernelMotion, remainders, result } = runCase(fc);
    const { flow } = result;
    const n = fc.n;
    // The mean loss divides the gradient by n: its residual follows dr/dt = −(H/n) r in t = ηk.
    const s = fc.loss === 'mean' ? 1 / n : 1;
    const lambdaMax = eigen.values[0];

    // The rule: η from λ_max of this run's H(0), whole steps ending at the horizon.
    expect(result.status).toBe('done');
    expect(flow.lambdaMaxSource).toBe('initialGram');
    expect(Math.abs(flow.lambdaMax - lambdaMax)).toBeLessThan(1e-6 * lambdaMax);
    expect(Math.abs(flow.eta * flow.steps - fc.horizon)).toBeLessThan(1e-12 * fc.horizon);
    expect(result.stepsRun).toBe(flow.steps);
    expect(flow.requestedTolerance).toBe(fc.tolerance);
    expect(flow.tolerance).toBeLessThanOrEqual(fc.tolerance);
    expect(flow.eta * s * lambdaMax).toBeLessThanOrEqual(1 + 1e-9);
    expect(flow.times.length).toBe(flow.steps + 1);
    flow.times.forEach((t, k) => expect(t).toBeCloseTo(flow.eta * k, 12));
    expect(flow.boundResidualSq).toBeUndefined();

    const r0Norm = norm(r0);
    let linear = Float64Array.from(r0); // (I − ηsH(0))^k r(0): GD on the linearised model
    let widthTerm = 0; // Σ_{j<k} ηs‖H(j) − H(0)‖₂‖r(j)‖ + ‖ε_j‖
    let worstLinearGap = 0;
    for (let k = 0; k <= flow.steps; k++) {
      const t = flow.times[k];
      const target = flowAt({ values: eigen.values.map((v) => v * s), vectors: eigen.vectors }, r0, t);
      // The guarantee itself: linearised GD within tolerance·‖r(0)‖ of the flow.
      const linearGap = distance(linear, target);
      worstLinearGap = Math.max(worstLinearGap, linearGap);
      expect(linearGap).toBeLessThanOrEqual(flow.tolerance * r0Norm * (1 + 1e-9) + 1e-12);
      // The run: r(k) − ρ(k) = δ(k), δ(j+1) = (I − ηsH(0))δ(j) − ηs(H(j) − H(0))r(j) − ε_j with
      // ‖I − ηsH(0)‖₂ ≤ 1, so ‖δ(k)‖ ≤ Σ_{j<k} ηs‖H(j) − H(0)‖₂‖r(j)‖ + ‖ε_j‖ (the width term: 0 at
      // m = ∞, where H stays at H(0)). Round-off: the weights are float32 (2⁻²⁴ relative a step).
      const roundOff = 2e-6 * (1 + k) * r0Norm;
      expect(distance(residuals[k], target)).toBeLessThanOrEqual(flow.tolerance * r0Norm + widthTerm + roundOff);
      // train's recorded loss is the same run.
      expect(Math.abs(result.residualSq[k] - norm(residuals[k]) ** 2)).toBeLessThan(1e-4 * r0Norm ** 2);
      if (k < flow.steps) {
        widthTerm += flow.eta * s * kernelMotion[k] * norm(residuals[k]) + remainders[k];
        const next = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let hr = 0;
          for (let j = 0; j < n; j++) hr += H0[i * n + j] * linear[j];
          next[i] = linear[i] - flow.eta * s * hr;
        }
        linear = next;
      }
    }
    // The flow moved: the residual at the horizon is measurably off r(0) (the test is not idle).
    expect(distance(flowAt({ values: eigen.values.map((v) => v * s), vectors: eigen.vectors }, r0, fc.horizon), r0))
      .toBeGreaterThan(10 * flow.tolerance * r0Norm);
    expect(worstLinearGap).toBeGreaterThan(0);
  }, 60_000);

  it('at large width the run ends within the tolerance of the flow, the width term of the tolerance\'s order', () => {
    const fc = CASES[5];
    const { r0, eigen, residuals, kernelMotion, remainders, result } = runCase(fc);
    const { flow } = result;
    let widthTerm = 0;
    for (let k = 0; k < flow.steps; k++) widthTerm += flow.eta * kernelMotion[k] * norm(residuals[k]) + remainders[k];
    // At m = 4003, ‖H(k) − H(0)‖₂ reaches about 0.007 (O(1/√m)): the bound's width term is about
    // the tolerance, the measured distance well inside it.
    expect(widthTerm).toBeLessThan(2 * flow.tolerance * norm(r0));
    expect(distance(residuals[flow.steps], flowAt(eigen, r0, fc.horizon))).toBeLessThan(flow.tolerance * norm(r0));
  }, 60_000);
});

describe('train with flow: options', () => {
  const c = randomCase(5, 4, 40, 99);
  const withNet = <T>(body: (net: TwoLayerNet) => T, activation: Activation = 'relu'): T => {
    const net = TwoLayerNet.fromWeights(c.W, c.a, { activation });
    try { return body(net); } finally { net.dispose(); }
  };

  it('takes a given λ_max, and reports Theorem 3.1\'s bound exp(−λ0 t)‖y − u(0)‖² with λ0', () => {
    const lambda0 = 0.3;
    const result = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 2, lambdaMax: 5, lambda0 } }));
    expect(result.flow.lambdaMaxSource).toBe('given');
    expect(result.flow.lambdaMax).toBe(5);
    expect(result.flow.requestedTolerance).toBe(1e-2); // the default
    expect(result.flow.eta * 5).toBeLessThanOrEqual(1);
    expect(result.flow.lambda0).toBe(lambda0);
    const bound = result.flow.boundResidualSq!;
    expect(bound.length).toBe(result.stepsRun + 1);
    result.flow.times.forEach((t, k) => expect(bound[k]).toBeCloseTo(Math.exp(-lambda0 * t) * result.residualSq[0], 10));
  });

  it('gives the mean loss n times the sum loss\'s η, the same steps, and λ0/n in the bound', () => {
    const sum = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 1, lambda0: 0.2 } }));
    const mean = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 5, lambda0: 0.2 }, loss: 'mean' }));
    expect(mean.flow.steps).toBe(sum.flow.steps);
    expect(mean.flow.eta).toBeCloseTo(5 * sum.flow.eta, 12);
    // the same run: the mean loss at η is the sum loss at η/n
    for (let k = 0; k <= sum.stepsRun; k++) expect(mean.residualSq[k]).toBeCloseTo(sum.residualSq[k], 5);
    const t = mean.flow.times[mean.stepsRun];
    expect(mean.flow.boundResidualSq![mean.stepsRun]).toBeCloseTo(Math.exp(-0.2 * t / 5) * mean.residualSq[0], 10);
  });

  it('accepts eta and steps that agree with the rule, and follows the output layer\'s kernel too when it trains', () => {
    const first = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 1.5 } }));
    const again = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 1.5 }, eta: first.flow.eta, steps: first.flow.steps }));
    expect(Array.from(again.residualSq)).toEqual(Array.from(first.residualSq));
    const joint = withNet((net) => train(net, c.X, c.y, { flow: { horizon: 1.5 }, trainOutputLayer: true }));
    const lambdaBoth = withNet((net) => jacobiEigenpairs(net.gram(c.X, { part: 'both' }).data, c.n).values[0]);
    expect(joint.flow.lambdaMax).toBeCloseTo(lambdaBoth, 6);
    expect(joint.flow.lambdaMax).toBeGreaterThan(first.flow.lambdaMax);
  });

  it('refuses what makes no sense, naming the argument', () => {
    const run = (options: FlowTrainOptions) => withNet((net) => train(net, c.X, c.y, options));
    expect(() => run({ flow: { horizon: 0 } })).toThrow(/flow\.horizon/);
    expect(() => run({ flow: { horizon: NaN } })).toThrow(/flow\.horizon/);
    expect(() => run({ flow: { horizon: 1, tolerance: -1 } })).toThrow(/flow\.tolerance/);
    expect(() => run({ flow: { horizon: 1, tolerance: 0.7 } })).toThrow(/flow\.tolerance must be < 0\.5/);
    expect(() => run({ flow: { horizon: 1, lambdaMax: 0 } })).toThrow(/flow\.lambdaMax/);
    expect(() => run({ flow: { horizon: 1, lambda0: NaN } })).toThrow(/flow\.lambda0/);
    expect(() => run({ flow: { horizon: 1e6, tolerance: 1e-4 } })).toThrow(/needs \d+ steps.*flow\.maxSteps = 1000000/);
    expect(() => run({ flow: { horizon: 10, maxSteps: 5 } })).toThrow(/flow\.maxSteps = 5/);
    expect(() => run({ flow: null as never })).toThrow(/flow must be \{ horizon/);
    expect(() => run({ flow: { horizon: 1 }, eta: 0.5 })).toThrow(/eta = 0\.5 disagrees with flow's η/);
    expect(() => run({ flow: { horizon: 1 }, steps: 3 })).toThrow(/steps = 3 disagrees with flow's \d+ steps/);
    expect(() => run({ flow: { horizon: 1 }, optimizer: { kind: 'momentum', beta: 0.5 } })).toThrow(/flow .*plain gradient descent.*'momentum'/);
    expect(() => run({ flow: { horizon: 1 }, optimizer: { kind: 'sgd', batchSize: 2 } })).toThrow(/'sgd'/);
    // a net whose neurons are all inactive on X has H(0) = 0: nothing to follow
    const dead = TwoLayerNet.fromWeights({ rows: 2, cols: 1, data: new Float32Array([-1, -2]) }, new Float32Array([1, -1]));
    try {
      expect(() => train(dead, { rows: 1, cols: 1, data: new Float32Array([1]) }, new Float32Array([1]), { flow: { horizon: 1 } }))
        .toThrow(/λ_max\(H\(0\)\) is 0.*give flow\.lambdaMax/);
    } finally {
      dead.dispose();
    }
  });

  it('keeps { eta, steps } required without flow (typing)', () => {
    withNet((net) => {
      // @ts-expect-error steps is required without flow
      expect(() => train(net, c.X, c.y, { eta: 0.1 })).toThrow(/steps/);
      const plain = train(net, c.X, c.y, { eta: 0.1, steps: 2 });
      expect(plain.flow).toBeUndefined();
    });
  });
});
