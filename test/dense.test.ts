// The dense path (DESIGN §7.1, issue 12 §2): the f32x4 activations of assembly/dense_net/activation.ts
// against float64 Math, and every dense kernel and both step forms against the float64 oracle
// test/reference/dense.ts, which is written from DESIGN §7.1's formulas.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadKernels, kernels } from '../src/wasm/loader.js';
import { WasmBuffer, bufferFrom, freeAll } from '../src/wasm/memory.js';
import { ACTIVATION_IDS } from '../src/activations.js';
import { DenseStep } from '../src/training/denseStep.js';
import {
  denseGram, denseStep, denseTrajectory, derivativeChange, dpsi, forwardFromZ, gradients, linearKernel, normalCdf,
  preactivations, psi, type Activation, type DenseModel, type DenseProblem,
} from './reference/dense.js';
import { mulberry32, randomMatrix, randomSigns, randomUnitRows, gaussian } from './reference/random.js';

beforeAll(async () => {
  await loadKernels();
});

const ALL: Activation[] = ['relu', 'leakyRelu', 'softplus', 'sigmoid', 'tanh', 'erf', 'gelu', 'quadratic', 'linear'];
const SLOPE = 0.01;

/** ψ (derivative false) or ψ′ of every entry of z, by the wasm kernel. */
function wasmActivation(act: Activation, derivative: boolean, z: Float32Array, slope = SLOPE): Float32Array {
  const zb = bufferFrom('f32', z), out = new WasmBuffer('f32', z.length);
  try {
    kernels().applyActivation(ACTIVATION_IDS[act], derivative ? 1 : 0, slope, zb.ptr, out.ptr, z.length);
    return out.toFloat32();
  } finally {
    freeAll(zb, out);
  }
}

/** One float32 ulp at the magnitude of v (2^−149 in the subnormal range). */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Test inputs: a dense grid, every power-of-two magnitude (subnormals included), both signs, ±0 and the branch points. */
function grid(): Float32Array {
  const values: number[] = [0, -0, 2 ** -149, -(2 ** -149), 3.4028234663852886e38, -3.4028234663852886e38];
  for (let z = -20; z <= 20; z += 1 / 1024) values.push(z);
  for (let e = -149; e <= 127; e++) for (const f of [1, 1.37, 1.9999]) values.push(f * 2 ** e, -f * 2 ** e);
  const rand = mulberry32(7);
  for (let k = 0; k < 20000; k++) values.push(gaussian(rand) * 6);
  for (const b of [0.5, 0.625, Math.SQRT1_2, 3.92, 9.01, 10.5, 14.8, 87.3, 88.73, 103.97, 104]) {
    for (const s of [1, -1]) for (const t of [-1e-6, 0, 1e-6]) values.push(s * b * (1 + t));
  }
  return Float32Array.from(values);
}

/** Worst error in ulps of the true value (or, for GELU′ near its root, of Φ(z), the size of the terms that cancel). */
function worstUlps(act: Activation, derivative: boolean, z: Float32Array, got: Float32Array): { ulps: number; at: number } {
  let worst = 0, at = NaN;
  for (let k = 0; k < z.length; k++) {
    const want = derivative ? dpsi(act, z[k], SLOPE) : psi(act, z[k], SLOPE);
    const fwant = Math.fround(want);
    if (!Number.isFinite(fwant)) continue; // true value beyond float32 (quadratic of a huge z)
    const scale = act === 'gelu' && derivative ? Math.max(Math.abs(want), normalCdf(z[k])) : want;
    const err = Math.abs(got[k] - want) / ulp(scale);
    if (err > worst) { worst = err; at = z[k]; }
  }
  return { ulps: worst, at };
}

describe('activations (assembly/dense_net/activation.ts) against float64 Math', () => {
  const z = grid();
  // Limits measured with these kernels, in float32 ulps; the polynomials' own error is ≤ 1e-9, the
  // rest is float32 rounding of the range reduction and Horner steps.
  const limits: Record<Activation, [value: number, derivative: number]> = {
    relu: [0, 0], leakyRelu: [1, 0.5], softplus: [3, 3], sigmoid: [3, 4], tanh: [2, 4], erf: [3, 3],
    gelu: [6, 6], quadratic: [0.5, 0], linear: [0, 0],
  };
  for (const act of ALL) {
    for (const derivative of [false, true]) {
      it(`${act}${derivative ? '′' : ''} is within ${limits[act][derivative ? 1 : 0]} ulps and finite for finite z`, () => {
        const got = wasmActivation(act, derivative, z);
        for (let k = 0; k < z.length; k++) {
          const want = derivative ? dpsi(act, z[k], SLOPE) : psi(act, z[k], SLOPE);
          if (!Number.isFinite(Math.fround(want))) continue; // the true value is beyond float32 (z² or 2z of a huge z)
          if (!Number.isFinite(got[k])) throw new Error(`${act}${derivative ? '′' : ''}(${z[k]}) = ${got[k]}`);
        }
        const { ulps, at } = worstUlps(act, derivative, z, got);
        console.log(`${act}${derivative ? '′' : ''}: worst ${ulps.toFixed(2)} ulps at z = ${at}`);
        expect(ulps, `${act}${derivative ? '′' : ''} at z = ${at}`).toBeLessThanOrEqual(limits[act][derivative ? 1 : 0]);
      });
    }
  }

  it('saturates exactly: tanh → ±1 and erf → ±1 for large |z|, sigmoid → 1, odd functions keep the sign of ±0', () => {
    const big = Float32Array.from([9.02, 10, 50, 1e10, 3e38, -9.02, -10, -50, -1e10, -3e38]);
    const t = wasmActivation('tanh', false, big);
    const e = wasmActivation('erf', false, Float32Array.from([3.92, 5, 1e10, 3e38, -3.92, -5, -1e10, -3e38]));
    expect(Array.from(t)).toEqual([1, 1, 1, 1, 1, -1, -1, -1, -1, -1]);
    expect(Array.from(e)).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);
    expect(Array.from(wasmActivation('sigmoid', false, Float32Array.from([17, 1e10, 3e38])))).toEqual([1, 1, 1]);
    for (const act of ['tanh', 'erf', 'linear', 'gelu'] as Activation[]) {
      const zeros = wasmActivation(act, false, Float32Array.from([0, -0]));
      expect(Object.is(zeros[0], 0), `${act}(0)`).toBe(true);
      expect(Object.is(zeros[1], -0), `${act}(−0)`).toBe(true);
    }
  });

  it('tails of length 1–3 give the bits of a full vector', () => {
    const rand = mulberry32(3);
    const z = Float32Array.from({ length: 11 }, () => gaussian(rand) * 4);
    for (const act of ALL) {
      const full = wasmActivation(act, true, z);
      for (let len = 1; len <= 11; len++) {
        expect(Array.from(wasmActivation(act, true, z.subarray(0, len)))).toEqual(Array.from(full.subarray(0, len)));
      }
    }
  });
});

// ---- kernels and steps ---------------------------------------------------------------------------

interface DenseCase {
  n: number; d: number; m: number;
  X: Float32Array; y: Float32Array; W: Float32Array; a: Float32Array;
  X64: Float64Array; y64: Float64Array; W64: Float64Array; a64: Float64Array;
}

function denseCase(n: number, d: number, m: number, seed: number, opts: { zeroRow?: boolean; gaussianA?: boolean } = {}): DenseCase {
  const rand = mulberry32(seed);
  const X = Float32Array.from(randomUnitRows(n, d, rand));
  if (opts.zeroRow) X.fill(0, 0, d); // x_0 = 0: z_0r = 0 exactly for every neuron
  const y = Float32Array.from(randomMatrix(n, 1, rand));
  const W = Float32Array.from(randomMatrix(m, d, rand));
  const a = Float32Array.from(opts.gaussianA ? randomMatrix(m, 1, rand) : randomSigns(m, rand));
  return { n, d, m, X, y, W, a, X64: Float64Array.from(X), y64: Float64Array.from(y), W64: Float64Array.from(W), a64: Float64Array.from(a) };
}

/** Neuron-major m×n from an n×m matrix. */
function neuronMajor(Z: Float64Array, n: number, m: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) T[r * n + i] = Z[i * m + r];
  return T;
}

/** max |got − want| / max |want|. */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1e-300, worst = 0;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]));
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
  return worst / scale;
}

const maxAbs = (v: ArrayLike<number>): number => { let s = 0; for (let k = 0; k < v.length; k++) s = Math.max(s, Math.abs(v[k])); return s; };
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let k = 0; k < a.length; k++) s = Math.max(s, Math.abs(a[k] - b[k])); return s; };

const SHAPES: [number, number, number][] = [[1, 1, 1], [1, 3, 5], [3, 1, 2], [5, 7, 3], [13, 6, 67], [37, 33, 130], [64, 65, 64], [70, 20, 129]];

describe('dense kernels against the float64 oracle', () => {
  const model = (act: Activation, alpha = 1, gamma = 0.5): DenseModel => ({ act, slope: SLOPE, alpha, gamma });

  for (const [n, d, m] of SHAPES) {
    it(`forward, D, output gradient, one step in both forms, n=${n} d=${d} m=${m}`, () => {
      for (const act of ALL) {
        const c = denseCase(n, d, m, 11 + n + d + m, { zeroRow: n > 2 });
        const mod = model(act, act === 'tanh' ? 2 : 1, act === 'gelu' ? 1 : 0.5);
        const p: DenseProblem = { X: c.X64, y: c.y64, n, d, m, model: mod, eta: 0.1, trainOutputLayer: true };
        // The oracle starts from the float32 Z the kernels start from, so only the step is compared.
        for (const method of ['kernel', 'primal'] as const) {
          const run = new DenseStep({ X: c.X, y: c.y, n, d, m, W: c.W, a: c.a },
            { activation: act, negativeSlope: SLOPE, outputScale: mod.alpha, widthExponent: mod.gamma, eta: 0.1, method, trainOutputLayer: true });
          try {
            const ZT = run.preactivations();
            const Z = new Float64Array(n * m);
            for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) Z[i * m + r] = ZT[r * n + i];
            expect(relErr(Z, preactivations(c.X64, n, d, c.W64, m))).toBeLessThan(1e-5);
            run.observe();
            const u = forwardFromZ(Z, n, m, c.a64, mod);
            expect(relErr(run.predictions(), u), `${act} forward`).toBeLessThan(1e-5);
            run.step();
            const next = denseStep(p, { W: c.W64, Z, a: c.a64 }, method);
            expect(relErr(run.outputWeights(), next.a), `${act} a(1)`).toBeLessThan(1e-5);
            const moved = neuronMajor(next.Z, n, m).map((v, k) => v - ZT[k]);
            const movedGot = run.preactivations().map((v, k) => v - ZT[k]);
            // The update ΔZ to float32 accuracy relative to its own size, plus the rounding of Z(1) itself.
            expect(maxAbsDiff(movedGot, moved), `${act} ${method} ΔZ`).toBeLessThanOrEqual(2e-5 * maxAbs(moved) + 4 * 2 ** -23 * maxAbs(ZT));
            if (method === 'primal') {
              const dW = next.W!.map((w, k) => w - c.W64[k]);
              expect(maxAbsDiff(run.weights().map((w, k) => w - c.W[k]), dW), `${act} ΔW`).toBeLessThanOrEqual(2e-5 * maxAbs(dW) + 4 * 2 ** -23 * maxAbs(c.W));
            } else {
              // W(1) = W(0) − S X rebuilt, against the oracle's primal W(1).
              const primal = denseStep(p, { W: c.W64, Z, a: c.a64 }, 'primal');
              const dW = primal.W!.map((w, k) => w - c.W64[k]);
              expect(maxAbsDiff(run.weights().map((w, k) => w - c.W[k]), dW), `${act} rebuilt ΔW`).toBeLessThanOrEqual(2e-5 * maxAbs(dW) + 4 * 2 ** -23 * maxAbs(c.W));
            }
          } finally {
            run.free();
          }
        }
      }
    });
  }

  it('the coefficients D and the output gradient match DESIGN §7.1 term by term (z exactly 0 included)', () => {
    const n = 13, d = 5, m = 7;
    const c = denseCase(n, d, m, 5, { zeroRow: true, gaussianA: true });
    const Z = preactivations(c.X64, n, d, c.W64, m);
    const ZT = Float32Array.from(neuronMajor(Z, n, m));
    const rand = mulberry32(9);
    const e = Float32Array.from({ length: n }, () => gaussian(rand));
    for (const act of ALL) {
      const bufs = [bufferFrom('f32', ZT), new WasmBuffer('f32', m * n), bufferFrom('f32', c.a), bufferFrom('f32', e), new WasmBuffer('f32', m)];
      const [zb, D, ab, eb, g] = bufs;
      try {
        const scale = 0.37;
        kernels().denseCoefficients(zb.ptr, D.ptr, m, n, ab.ptr, eb.ptr, scale, ACTIVATION_IDS[act], SLOPE, 0, m);
        kernels().denseOutputGradient(zb.ptr, m, n, eb.ptr, scale, ACTIVATION_IDS[act], SLOPE, g.ptr, 0, m);
        const Dw = new Float64Array(m * n), gw = new Float64Array(m);
        for (let r = 0; r < m; r++) {
          for (let i = 0; i < n; i++) {
            Dw[r * n + i] = scale * c.a[r] * e[i] * dpsi(act, ZT[r * n + i], SLOPE);
            gw[r] += scale * e[i] * psi(act, ZT[r * n + i], SLOPE);
          }
        }
        expect(relErr(D.f32(), Dw), `${act} D`).toBeLessThan(1e-6);
        expect(relErr(g.f32(), gw), `${act} g`).toBeLessThan(1e-5);
        // And the oracle's gradient is the same D folded with X.
        const { gW } = gradients(c.X64, n, d, Z, m, c.a64, Float64Array.from(e), { act, slope: SLOPE });
        const G = new Float64Array(m * d);
        for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) G[r * d + k] += (Dw[r * n + i] / scale) * c.X64[i * d + k];
        expect(relErr(G.map((v) => v * m ** -0.5), gW)).toBeLessThan(1e-6); // Z rounded to float32 for D
      } finally {
        freeAll(...bufs);
      }
    }
  });

  it('row and column ranges give the bits of one full call, whatever the split', () => {
    const n = 37, m = 45;
    const rand = mulberry32(21);
    const ZT = Float32Array.from({ length: m * n }, () => gaussian(rand) * 2);
    const ZT0 = Float32Array.from(ZT, (v) => v + gaussian(rand) * 0.1);
    const a = Float32Array.from({ length: m }, () => gaussian(rand));
    const e = Float32Array.from({ length: n }, () => gaussian(rand));
    const k = kernels();
    for (const act of ['tanh', 'gelu', 'softplus'] as Activation[]) {
      const id = ACTIVATION_IDS[act];
      const bufs = [bufferFrom('f32', ZT), bufferFrom('f32', ZT0), bufferFrom('f32', a), bufferFrom('f32', e),
        new WasmBuffer('f32', n), new WasmBuffer('f32', n), new WasmBuffer('f32', m * n), new WasmBuffer('f32', m * n),
        new WasmBuffer('f32', n * m), new WasmBuffer('f32', n * m), new WasmBuffer('f64', 2 * m), new WasmBuffer('f64', 2 * m)];
      const [zb, z0b, ab, eb, u1, u2, D1, D2, B1, B2, s1, s2] = bufs;
      try {
        k.denseForwardColumns(zb.ptr, m, n, ab.ptr, 0.3, id, SLOPE, u1.ptr, 0, n);
        for (const [c0, c1] of [[0, 5], [5, 6], [6, 20], [20, 37]]) k.denseForwardColumns(zb.ptr, m, n, ab.ptr, 0.3, id, SLOPE, u2.ptr, c0, c1);
        expect(Array.from(u2.f32())).toEqual(Array.from(u1.f32()));
        k.denseCoefficients(zb.ptr, D1.ptr, m, n, ab.ptr, eb.ptr, 0.7, id, SLOPE, 0, m);
        // The fused pair (forward + ψ′, then the scaling) gives the same u and D bit for bit, in any split.
        k.denseForwardDerivativeColumns(zb.ptr, m, n, ab.ptr, 0.3, id, SLOPE, u2.ptr, D2.ptr, 0, 9);
        k.denseForwardDerivativeColumns(zb.ptr, m, n, ab.ptr, 0.3, id, SLOPE, u2.ptr, D2.ptr, 9, 37);
        expect(Array.from(u2.f32())).toEqual(Array.from(u1.f32()));
        k.denseScaleCoefficients(D2.ptr, 0, m, n, ab.ptr, eb.ptr, 0.7, 0, 20);
        k.denseScaleCoefficients(D2.ptr, 0, m, n, ab.ptr, eb.ptr, 0.7, 20, 45);
        expect(Array.from(D2.f32())).toEqual(Array.from(D1.f32()));
        D2.f32().fill(0);
        for (const [r0, r1] of [[0, 3], [3, 30], [30, 45]]) k.denseCoefficients(zb.ptr, D2.ptr, m, n, ab.ptr, eb.ptr, 0.7, id, SLOPE, r0, r1);
        expect(Array.from(D2.f32())).toEqual(Array.from(D1.f32()));
        k.denseFeatureRows(zb.ptr, m, n, ab.ptr, id, SLOPE, 1, B1.ptr, 0, n);
        for (const [c0, c1] of [[0, 8], [8, 12], [12, 37]]) k.denseFeatureRows(zb.ptr, m, n, ab.ptr, id, SLOPE, 1, B2.ptr, c0, c1);
        expect(Array.from(B2.f32())).toEqual(Array.from(B1.f32()));
        k.derivativeChangeRows(zb.ptr, z0b.ptr, m, n, id, SLOPE, s1.ptr, 0, m);
        for (const [r0, r1] of [[0, 1], [1, 44], [44, 45]]) k.derivativeChangeRows(zb.ptr, z0b.ptr, m, n, id, SLOPE, s2.ptr, r0, r1);
        expect(Array.from(s2.f64())).toEqual(Array.from(s1.f64()));
      } finally {
        freeAll(...bufs);
      }
    }
  });

  for (const [n, d, m] of [[1, 1, 1], [5, 3, 7], [13, 6, 67], [33, 17, 130]] as [number, number, number][]) {
    it(`Gram matrices H = K ∘ Ψ′ᵀdiag(a²)Ψ′/m and Ψᵀ Ψ/m, and the ψ′ change, n=${n} d=${d} m=${m}`, () => {
      for (const act of ALL) {
        const c = denseCase(n, d, m, 31 + n, { zeroRow: n > 2, gaussianA: true });
        const run = new DenseStep({ X: c.X, y: c.y, n, d, m, W: c.W, a: c.a }, { activation: act, negativeSlope: SLOPE, eta: 0.5, method: 'kernel' });
        try {
          const ZT = run.preactivations();
          const Z = new Float64Array(n * m);
          for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) Z[i * m + r] = ZT[r * n + i];
          const K = linearKernel(c.X64, n, d);
          expect(relErr(run.gram('first'), denseGram(K, Z, n, m, c.a64, { act, slope: SLOPE }, 'first')), `${act} H`).toBeLessThan(2e-6); // ψ′ to a few ulps, squared
          expect(relErr(run.gram('output'), denseGram(K, Z, n, m, c.a64, { act, slope: SLOPE }, 'output')), `${act} K^a`).toBeLessThan(2e-6);
          const Z0 = Float64Array.from(Z);
          for (let s = 0; s < 3; s++) run.step();
          const ZT1 = run.preactivations();
          const Z1 = new Float64Array(n * m);
          for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) Z1[i * m + r] = ZT1[r * n + i];
          const want = derivativeChange(Z1, Z0, { act, slope: SLOPE });
          const got = run.derivativeChange();
          if (act === 'linear') expect(got).toBe(0);
          else if (Number.isNaN(want)) expect(got).toBeNaN(); // ψ′(Z(0)) = 0 (ReLU, every z < 0): 0/0
          else expect(Math.abs(got - want), `${act} ψ′ change`).toBeLessThanOrEqual(1e-5 * Math.max(want, 1e-2));
        } finally {
          run.free();
        }
      }
    });
  }

  it('linear: H = XXᵀ exactly (a = ±1)', () => {
    for (const [n, d, m] of [[1, 1, 1], [7, 3, 5], [30, 65, 129]] as [number, number, number][]) {
      const c = denseCase(n, d, m, 2);
      const run = new DenseStep({ X: c.X, y: c.y, n, d, m, W: c.W, a: c.a }, { activation: 'linear', eta: 0.1, method: 'primal' });
      const K = new WasmBuffer('f64', n * n);
      const Xb = bufferFrom('f32', c.X);
      try {
        kernels().linearKernel(Xb.ptr, n, d, K.ptr);
        expect(Array.from(run.gram('first'))).toEqual(Array.from(K.f64()));
      } finally {
        run.free();
        freeAll(K, Xb);
      }
    }
  });

  const trajectoryActs: Activation[] = ['tanh', 'softplus', 'gelu', 'erf', 'linear', 'quadratic', 'sigmoid'];
  for (const act of trajectoryActs) {
    it(`${act}: 100-step trajectory of ‖y − u(k)‖² within 1e-3 relative of the oracle, both forms`, () => {
      const n = 12, d = 9, m = 70;
      const c = denseCase(n, d, m, 101);
      // Quadratic: smaller weights, so the net stays in its stable range at this η.
      const W = act === 'quadratic' ? c.W.map((v) => v * 0.5) : c.W;
      const mod: DenseModel = { act, slope: SLOPE, alpha: 1, gamma: 0.5 };
      const eta = act === 'quadratic' ? 0.05 : 0.2;
      const p: DenseProblem = { X: c.X64, y: c.y64, n, d, m, model: mod, eta };
      const want = denseTrajectory(p, Float64Array.from(W), c.a64, 100, 'primal');
      expect(want[100]).toBeLessThan(0.9 * want[0]); // it trains
      for (const method of ['kernel', 'primal'] as const) {
        const run = new DenseStep({ X: c.X, y: c.y, n, d, m, W, a: c.a }, { activation: act, eta, method });
        try {
          const got = new Float64Array(101);
          for (let k = 0; k <= 100; k++) {
            got[k] = run.observe();
            if (k < 100) run.step();
          }
          let worst = 0;
          for (let k = 0; k <= 100; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]) / want[k]);
          expect(worst, `${act} ${method}`).toBeLessThan(1e-3);
        } finally {
          run.free();
        }
      }
    });
  }

  it('the oracle agrees with itself: kernel-space and primal trajectories coincide in float64', () => {
    const c = denseCase(6, 4, 9, 3);
    const p: DenseProblem = { X: c.X64, y: c.y64, n: 6, d: 4, m: 9, model: { act: 'tanh', alpha: 3, gamma: 1 }, eta: 0.3, trainOutputLayer: true };
    const a = denseTrajectory(p, c.W64, c.a64, 20, 'primal'), b = denseTrajectory(p, c.W64, c.a64, 20, 'kernel');
    expect(relErr(a, b)).toBeLessThan(1e-12);
  });

  it('gives bit-identical steps, weights and Gram matrices on 1, 2 and 3 threads (child processes)', () => {
    const script = fileURLToPath(new URL('./dense_threads.ts', import.meta.url));
    const run = (threads: number): { threads: number; hash: string } =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, String(threads)], { encoding: 'utf8' }).trim());
    const [one, two, three] = [run(1), run(2), run(3)];
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    expect(two.hash).toBe(one.hash);
    expect(three.hash).toBe(one.hash);
  });
});
