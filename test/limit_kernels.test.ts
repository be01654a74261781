// gramInfinity for every activation and part (DESIGN §7.2) against the float64 oracle of
// test/reference/limit_kernels.ts (closed forms from DESIGN, a trapezoidal rule otherwise), Monte
// Carlo, finite-width H(0), and itself with twice the Gauss–Hermite nodes.
// Checked to fail when the code they guard is broken: the sign of leaky ReLU's 2s(sin θ − θ cos θ),
// of erf's −4Σ12², of quadratic's 2Σ12²; the odd part of ψ′'s coefficients; the sign of ρ in the
// Horner sum; a node moved by 1e-9 relative (Golub–Welsch test); sigmoid's exponent off by 1e-4
// (Monte Carlo and finite width); a looser expansion tolerance (the NOT_CONVERGED test).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, gramInfinity, TwoLayerNet, OverparamError, ACTIVATIONS, type Activation, type KernelPart, type Matrix } from '../src/index';
import { limitKernel } from '../src/kernels';
import { ACTIVATION_IDS, PART_IDS } from '../src/activations';
import { kernels } from '../src/wasm/loader';
import { WasmBuffer } from '../src/wasm/memory';
import { limitKernelReference, finiteWidthKernel, refErf } from './reference/limit_kernels';
import { mulberry32, randomMatrix } from './reference/random';
import { randomCase, relativeError } from './helpers';

beforeAll(() => init());

const PARTS: KernelPart[] = ['first', 'output', 'both'];
const QUADRATURE: Activation[] = ['softplus', 'sigmoid', 'tanh', 'gelu'];
const CLOSED: Activation[] = ['relu', 'leakyRelu', 'erf', 'quadratic', 'linear'];

/** float32 rows with the given norms, and the same values in float64. */
function rowsWithNorms(n: number, d: number, seed: number, norm: (i: number) => number): { X: Matrix; X64: Float64Array } {
  const c = randomCase(n, d, 1, seed);
  const data = Float32Array.from(c.X.data, (v, k) => v * norm(Math.floor(k / d)));
  return { X: { rows: n, cols: d, data }, X64: Float64Array.from(data) };
}

/** Edge cases: a zero row, a parallel pair (×2), an antiparallel pair (×−0.5), norms from 0.3 to 1.5. */
function edgeCase(n: number, d: number, seed: number): { X: Matrix; X64: Float64Array } {
  const { X } = rowsWithNorms(n, d, seed, (i) => 0.3 + 1.2 * ((i * 7) % n) / Math.max(1, n - 1));
  const data = X.data as Float32Array;
  if (n >= 2) for (let k = 0; k < d; k++) data[d + k] = 2 * data[k];        // row 1 = 2·row 0
  if (n >= 3) for (let k = 0; k < d; k++) data[2 * d + k] = -0.5 * data[k]; // row 2 = −½·row 0
  if (n >= 4) data.fill(0, 3 * d, 4 * d);                                 // row 3 = 0
  return { X, X64: Float64Array.from(data) };
}

describe('activation ids', () => {
  it('the TypeScript table matches assembly/activations/ids.ts, the source of truth', () => {
    const source = readFileSync(new URL('../assembly/activations/ids.ts', import.meta.url), 'utf8');
    const constants = new Map<string, number>();
    for (const match of source.matchAll(/^export const (\w+): i32 = (\d+);$/gm)) constants.set(match[1], Number(match[2]));
    const upper = (name: string) => name.replace(/([A-Z])/g, '_$1').toUpperCase();
    for (const a of ACTIVATIONS) expect(constants.get(`ACTIVATION_${upper(a)}`), a).toBe(ACTIVATION_IDS[a]);
    for (const p of PARTS) expect(constants.get(`PART_${p.toUpperCase()}`), p).toBe(PART_IDS[p]);
    expect(constants.size).toBe(ACTIVATIONS.length + PARTS.length);
  });

  it("the core's erf agrees with an independent series (the oracle's alternating one loses ~1e-14 near 3)", () => {
    const k = kernels();
    for (const x of [-7, -3.2, -3, -2.999, -1, -1e-3, 0, 1e-8, 0.5, 2.5, 3, 3.5, 6, 30]) {
      expect(Math.abs(k.erf(x) - refErf(x))).toBeLessThan(3e-14);
      expect(Math.abs(k.erfc(x) - (1 - refErf(x)))).toBeLessThan(3e-14);
    }
    expect(k.erfc(5)).toBeCloseTo(1.5374597944280349e-12, 25);
  });
});

describe('gramInfinity: closed forms against the oracle (1e-10)', () => {
  const shapes: [number, number][] = [[1, 1], [1, 3], [3, 1], [5, 7], [13, 6], [66, 5]];
  for (const activation of CLOSED) {
    for (const part of PARTS) {
      it(`${activation} / ${part}: random, edge and non-unit cases, κ = 1 and 0.6`, () => {
        for (const [n, d] of shapes) {
          for (const kappa of [1, 0.6]) {
            for (const { X, X64 } of [rowsWithNorms(n, d, n * 31 + d, () => 1), edgeCase(n, d, n + 7 * d)]) {
              const H = gramInfinity(X, { activation, part, scale: kappa }).data;
              const want = limitKernelReference(X64, n, d, activation, part, { kappa });
              expect(relativeError(H, want), `${n}×${d}`).toBeLessThan(1e-10);
            }
          }
        }
      });
    }
  }

  it('leaky ReLU with slope 0 is ReLU and with slope 1 the linear kernel; negativeSlope reaches the kernel', () => {
    const { X } = edgeCase(9, 4, 3);
    for (const part of PARTS) {
      expect(relativeError(gramInfinity(X, { activation: 'leakyRelu', negativeSlope: 0, part }).data,
        gramInfinity(X, { activation: 'relu', part }).data)).toBeLessThan(1e-14);
      expect(relativeError(gramInfinity(X, { activation: 'leakyRelu', negativeSlope: 1, part }).data,
        gramInfinity(X, { activation: 'linear', part }).data)).toBeLessThan(1e-14);
      const { X64 } = edgeCase(9, 4, 3);
      expect(relativeError(gramInfinity(X, { activation: 'leakyRelu', negativeSlope: 0.3, part }).data,
        limitKernelReference(X64, 9, 4, 'leakyRelu', part, { slope: 0.3 }))).toBeLessThan(1e-10);
    }
  });

  it("ReLU's first-layer kernel is today's gramInfinity, bit for bit, whatever the scale", () => {
    const { X } = edgeCase(37, 11, 8);
    const today = gramInfinity(X).data;
    expect(Array.from(gramInfinity(X, { activation: 'relu', part: 'first', scale: 3 }).data)).toEqual(Array.from(today));
    const k = kernels();
    const K = new WasmBuffer('f64', 37 * 37), H = new WasmBuffer('f64', 37 * 37), Xb = new WasmBuffer('f32', 37 * 11);
    Xb.f32().set(X.data);
    k.linearKernel(Xb.ptr, 37, 11, K.ptr); k.gramInfinity(K.ptr, 37, H.ptr);
    expect(Array.from(today)).toEqual(Array.from(H.f64()));
    K.free(); H.free(); Xb.free();
  });

  it('linear: H* = XXᵀ exactly (seed 004\'s linear model)', () => {
    const { X, X64 } = rowsWithNorms(6, 5, 2, (i) => 1 + i);
    const H = gramInfinity(X, { activation: 'linear' }).data;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
      let s = 0; for (let k = 0; k < 5; k++) s += X64[i * 5 + k] * X64[j * 5 + k];
      expect(H[i * 6 + j]).toBe(s);
    }
  });
});

describe('gramInfinity: quadrature activations against the oracle (1e-9)', () => {
  const shapes: [number, number][] = [[1, 1], [1, 3], [3, 1], [5, 7], [6, 65]];
  for (const activation of QUADRATURE) {
    for (const part of PARTS) {
      it(`${activation} / ${part}`, () => {
        for (const [n, d] of shapes) {
          for (const { X, X64 } of [rowsWithNorms(n, d, n * 13 + d, () => 1), edgeCase(n, d, 5 * n + d)]) {
            const H = gramInfinity(X, { activation, part }).data;
            expect(relativeError(H, limitKernelReference(X64, n, d, activation, part)), `${n}×${d}`).toBeLessThan(1e-9);
          }
        }
        const { X, X64 } = edgeCase(5, 3, 99);
        const H = gramInfinity(X, { activation, part, scale: 0.7 }).data;
        expect(relativeError(H, limitKernelReference(X64, 5, 3, activation, part, { kappa: 0.7 })), 'κ = 0.7').toBeLessThan(1e-9);
      });
    }
  }

  it('a zero row: H* vanishes; K^a_ij = ψ(0)·E[ψ(v)] (sigmoid: ½·½, softplus: ln 2·E[softplus])', () => {
    const { X } = edgeCase(5, 4, 21);
    for (const activation of QUADRATURE) {
      const first = gramInfinity(X, { activation }).data;
      for (let j = 0; j < 5; j++) { expect(first[3 * 5 + j]).toBe(0); expect(first[j * 5 + 3]).toBe(0); }
    }
    const out = gramInfinity(X, { activation: 'sigmoid', part: 'output' }).data;
    for (let j = 0; j < 5; j++) expect(out[3 * 5 + j]).toBeCloseTo(0.25, 14); // E[σ(v)] = ½ by symmetry
  });
});

describe('gramInfinity: convergence of the Gauss–Hermite quadrature', () => {
  for (const activation of QUADRATURE) {
    it(`${activation}: the adaptive rule agrees with twice its nodes to 1e-12; fixed rules converge as they double`, () => {
      for (const { X } of [rowsWithNorms(30, 3, 4, () => 1), edgeCase(30, 3, 5)]) {
        for (const part of PARTS) {
          let used = 0;
          const H = limitKernel(X, { activation, part }, { onRule: (nodes) => { used = nodes; } }).data;
          const doubled = limitKernel(X, { activation, part }, { nodes: 2 * used }).data;
          expect(relativeError(H, doubled), `${part}, ${used} nodes`).toBeLessThan(1e-12);
          const big = limitKernel(X, { activation, part }, { nodes: 2048 }).data;
          expect(relativeError(limitKernel(X, { activation, part }, { nodes: 1024 }).data, big)).toBeLessThan(1e-12);
        }
      }
    });
  }

  it('the Golub–Welsch rule is exact for polynomials: Σ w h_k h_l = δ_kl for k, l < N, symmetric, Σ w = 1', () => {
    const k = kernels();
    for (const N of [8, 64, 512]) {
      const x = new WasmBuffer('f64', N), w = new WasmBuffer('f64', N), s = new WasmBuffer('f64', N);
      expect(k.gaussHermiteRule(N, x.ptr, w.ptr, s.ptr)).toBe(0);
      const xs = Array.from(x.f64()), ws = Array.from(w.f64());
      for (let i = 0; i < N; i++) expect(xs[i]).toBe(-xs[N - 1 - i]);
      for (let i = 1; i < N; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
      // h_k at every node (orthonormal probabilists' Hermite), then the Gram matrix of the rule.
      const K = Math.min(N, 64);
      const h = xs.map((v) => { const row = [1, v]; for (let j = 1; j < K - 1; j++) row.push((v * row[j] - Math.sqrt(j) * row[j - 1]) / Math.sqrt(j + 1)); return row; });
      let worst = 0;
      for (let a = 0; a < K; a++) for (let b = a; b < K; b++) {
        let sum = 0; for (let i = 0; i < N; i++) if (ws[i] > 0) sum += ws[i] * h[i][a] * h[i][b];
        worst = Math.max(worst, Math.abs(sum - (a === b ? 1 : 0)));
      }
      expect(worst, `N = ${N}`).toBeLessThan(1e-13);
      x.free(); w.free(); s.free();
    }
  });

  it('too large κ‖x‖ for tanh throws NOT_CONVERGED naming the row and the bound', () => {
    const { X } = rowsWithNorms(3, 2, 1, (i) => (i === 2 ? 6 : 1));
    expect(() => gramInfinity(X, { activation: 'tanh' })).toThrow(/row 2, where κ‖x‖ = 6\.000.*normalise the rows of X or lower options\.scale/);
    try { gramInfinity(X, { activation: 'tanh' }); } catch (e) { expect((e as OverparamError).code).toBe('NOT_CONVERGED'); }
  });
});

describe('gramInfinity against Monte Carlo and finite width', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}: every part within 5 standard errors of 20 000 sampled neurons (κ = 0.8)`, () => {
      const { X, X64 } = edgeCase(5, 3, 17);
      for (const part of PARTS) {
        const { mean, stderr } = finiteWidthKernel(X64, 5, 3, activation, part, 20_000, mulberry32(3 + PARTS.indexOf(part)), { kappa: 0.8 });
        const H = gramInfinity(X, { activation, part, scale: 0.8 }).data;
        for (let p = 0; p < H.length; p++) expect(Math.abs(H[p] - mean[p]), `${part} entry ${p}`).toBeLessThanOrEqual(5 * stderr[p] + 1e-12);
      }
    });
  }

  it('ReLU: net.gram(X) (finite-width H(0)) approaches H∞ as m grows', () => {
    const c = randomCase(8, 5, 1, 12);
    const Hinf = gramInfinity(c.X, { activation: 'relu' }).data;
    const gap = (m: number) => relativeError(TwoLayerNet.random({ d: 5, m, seed: 4 }).gram(c.X).data, Hinf);
    const g1 = gap(500), g2 = gap(50_000);
    expect(g2).toBeLessThan(g1 / 4);
    expect(g2).toBeLessThan(0.02);
  });

  for (const activation of ['tanh', 'gelu', 'erf', 'softplus'] as Activation[]) {
    it(`${activation}: finite-width H(0) = x_iᵀx_j (1/m)Σ ψ′ψ′ (+ K^a) approaches the limit as m grows (1/√m)`, () => {
      const { X, X64 } = edgeCase(6, 4, 41);
      for (const part of ['first', 'both'] as KernelPart[]) {
        const limit = gramInfinity(X, { activation, part }).data;
        const gap = (m: number, seed: number) => relativeError(finiteWidthKernel(X64, 6, 4, activation, part, m, mulberry32(seed)).mean, limit);
        const small = gap(100, 1), large = gap(10_000, 2);
        expect(large, part).toBeLessThan(small / 3);
        expect(large, part).toBeLessThan(0.05);
      }
    });
  }
});

describe('gramInfinity options', () => {
  const { X } = rowsWithNorms(3, 2, 1, () => 1);
  const expectBad = (options: object, pattern: RegExp) => {
    let caught: unknown;
    try { gramInfinity(X, options as never); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(OverparamError);
    expect((caught as OverparamError).code).toBe('BAD_VALUE');
    expect(String((caught as Error).message)).toMatch(pattern);
  };
  it('rejects unknown activations, parts, bad slopes and scales, naming the argument and its range', () => {
    expectBad({ activation: 'swish' }, /gramInfinity: options\.activation must be one of 'relu', 'leakyRelu', .*'linear', got 'swish'/);
    expectBad({ activation: 3 }, /options\.activation must be one of .* got 3/);
    expectBad({ part: 'second' }, /gramInfinity: options\.part must be 'first', 'output' or 'both', got 'second'/);
    expectBad({ activation: 'leakyRelu', negativeSlope: 1.5 }, /options\.negativeSlope must be a number in \[0, 1\], got 1\.5/);
    expectBad({ activation: 'leakyRelu', negativeSlope: -0.1 }, /negativeSlope must be a number in \[0, 1\]/);
    expectBad({ activation: 'leakyRelu', negativeSlope: NaN }, /negativeSlope must be a number in \[0, 1\], got NaN/);
    expectBad({ activation: 'tanh', negativeSlope: 0.1 }, /options\.negativeSlope applies to activation 'leakyRelu' only, got negativeSlope = 0\.1 with activation 'tanh'/);
    expectBad({ negativeSlope: 0.1 }, /applies to activation 'leakyRelu' only.*with activation 'relu'/);
    for (const scale of [0, -1, Infinity, NaN]) expectBad({ scale }, /gramInfinity: options\.scale must be a finite number > 0/);
  });

  it('a random problem: ReLU first-layer limit matches the old oracle too', () => {
    const rand = mulberry32(9);
    const X64 = randomMatrix(7, 3, rand);
    const X = { rows: 7, cols: 3, data: Float32Array.from(X64) };
    expect(relativeError(gramInfinity(X).data, limitKernelReference(Float64Array.from(X.data), 7, 3, 'relu', 'first'))).toBeLessThan(1e-12);
  });
});
