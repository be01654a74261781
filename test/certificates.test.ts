// train(…, { certificates }) (issue 14 §2): every quantity against a float64 computation from its
// definition in the paper (seed 002, §4.1 and the appendix), on W(k) read at every step.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, TwoLayerNet, train, gramInfinity, lambdaMin, memoryInUse, estimateTrainingBytes, type TrainResult } from '../src/index';
import { forward, preactivations } from './reference/network';
import { gram, gramInfinity as gramInfinity64 } from './reference/kernels';
import { jacobiEigenvalues, symmetricSpectralNorm } from './reference/eigen';
import { randomCase } from './helpers';
import { mulberry32 } from './reference/random';
import { float32AtMost } from '../src/training/certificates';
import { certificateStep, perturbation, perturbationLayout } from '../src/wasm/parallel';
import { withBuffers } from '../src/wasm/memory';
import { kernels, threadCount } from '../src/wasm/loader';

beforeAll(() => init());

type Case = ReturnType<typeof randomCase>;

/** Trains with certificates and keeps W(k) of every step (the busy net's weights()). */
function run(c: Case, steps: number, method: 'kernel' | 'primal', gramEvery = 1): { result: TrainResult; Ws: Float64Array[]; eta: number } {
  const H0 = gram(c.X64, c.n, c.d, c.W64, c.m);
  const lam = jacobiEigenvalues(H0, c.n);
  const eta = 0.5 / lam[c.n - 1];
  const net = TwoLayerNet.fromWeights(c.W, c.a);
  const Ws: Float64Array[] = [];
  const result = train(net, c.X, c.y, {
    eta, steps, method, certificates: { delta: 0.1, gramEvery },
    onStep: () => { Ws.push(Float64Array.from(net.weights().W.data)); },
  });
  net.dispose();
  return { result, Ws, eta };
}

/** The reference certificates of step k → k + 1 from W(0), W(k), W(k+1) in float64. */
function reference(c: Case, Ws: Float64Array[], k: number, eta: number) {
  const { n, m, d } = c;
  const Z0 = preactivations(c.X64, n, d, Ws[0], m), Zk = preactivations(c.X64, n, d, Ws[k], m), Z1 = preactivations(c.X64, n, d, Ws[k + 1], m);
  const dist = (j: number) => {
    let best = 0;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += (Ws[j][r * d + q] - Ws[0][r * d + q]) ** 2;
      best = Math.max(best, Math.sqrt(s));
    }
    return best;
  };
  let R = 0;
  for (let j = 0; j <= k + 1; j++) R = Math.max(R, dist(j));
  const xn = Array.from({ length: n }, (_, i) => Math.hypot(...c.X64.subarray(i * d, (i + 1) * d)));
  // S_i^⊥ by brute force: the neurons some w with ‖w − w_r(0)‖ ≤ R can flip, |w_r(0)ᵀx_i| ≤ R‖x_i‖.
  const perp: Set<number>[] = [];
  const I1 = new Float64Array(n), I2 = new Float64Array(n);
  let flipped = 0, outside = 0;
  for (let i = 0; i < n; i++) {
    perp.push(new Set());
    for (let r = 0; r < m; r++) {
      const inPerp = Math.abs(Z0[i * m + r]) <= R * xn[i];
      if (inPerp) perp[i].add(r);
      const t = (c.a64[r] / Math.sqrt(m)) * (Math.max(Z1[i * m + r], 0) - Math.max(Zk[i * m + r], 0));
      if (inPerp) I2[i] += t; else I1[i] += t;
      if ((Z1[i * m + r] >= 0) !== (Z0[i * m + r] >= 0)) { flipped++; if (!inPerp) outside++; }
    }
  }
  const uk = forward(c.X64, n, d, Ws[k], m, c.a64), u1 = forward(c.X64, n, d, Ws[k + 1], m, c.a64);
  const rk = Array.from(uk, (u, i) => u - c.y64[i]), r1 = Array.from(u1, (u, i) => u - c.y64[i]);
  const sq = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x * x, 0);
  const Hk = gram(c.X64, n, d, Ws[k], m);
  // H^⊥_ij(k) = (1/m) Σ_{r∈S_i^⊥} x_iᵀx_j 1{z_ir(k) ≥ 0, z_jr(k) ≥ 0} (§4.1), from its definition.
  const Hperp = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let q = 0; q < d; q++) dot += c.X64[i * d + q] * c.X64[j * d + q];
    let count = 0;
    for (const r of perp[i]) if (Zk[i * m + r] >= 0 && Zk[j * m + r] >= 0) count++;
    Hperp[i * n + j] = (dot * count) / m;
  }
  const HkE = new Float64Array(n), HpE = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { HkE[i] += Hk[i * n + j] * rk[j]; HpE[i] += Hperp[i * n + j] * rk[j]; }
  return {
    R, perp, I1, I2, flipped, outside, delta: Array.from(u1, (u, i) => u - uk[i]),
    contraction: sq(r1) / sq(rk), quadratic: sq(Array.from(u1, (u, i) => u - uk[i])),
    i1Deviation: Math.sqrt(sq(Array.from(I1, (v, i) => v + eta * HkE[i]))), perturbation: eta * Math.sqrt(sq(HpE)),
    deviation: symmetricSpectralNorm(Hk, gram(c.X64, n, d, Ws[0], m), n), residualSq: sq(rk),
  };
}

describe('train certificates (issue 14 §2)', () => {
  for (const method of ['kernel', 'primal'] as const) {
    it(`${method}: every per-step quantity matches its float64 definition`, () => {
      const c = randomCase(6, 5, 200, 11);
      const steps = 12;
      const { result, Ws, eta } = run(c, steps, method);
      const cert = result.certificates!;
      expect(cert.measuredRadius.length).toBe(steps);
      for (let k = 0; k < steps; k++) {
        const ref = reference(c, Ws, k, eta);
        expect(cert.measuredRadius[k]).toBeCloseTo(ref.R, 5);
        const total = ref.perp.reduce((s, p) => s + p.size, 0);
        expect(cert.sPerpTotal![k]).toBe(total);
        expect(cert.flipped![k]).toBe(ref.flipped);
        expect(cert.violations![k]).toBe(0);
        expect(ref.outside).toBe(0);
        expect(cert.i2Norm![k]).toBeCloseTo(Math.hypot(...ref.I2), 5);
        expect(cert.splitResidual![k]).toBeLessThan(1e-5);
        expect(Math.abs(cert.contraction[k] - ref.contraction)).toBeLessThan(1e-4 * ref.contraction);
        expect(Math.abs(cert.quadratic[k] - ref.quadratic)).toBeLessThan(1e-3 * ref.quadratic + 1e-10);
        expect(cert.condition41[k]).toBeCloseTo(1 - eta * cert.lambda0 / 2, 12);
        expect(cert.quadraticBound[k]).toBeCloseTo(eta * eta * c.n * c.n * ref.residualSq, 4);
        expect(cert.lemma41Expectation![k]).toBeCloseTo(2 * c.m * c.n * cert.measuredRadius[k] / Math.sqrt(2 * Math.PI), 8);
        // I1 = −ηH(k)(u − y) + ηH^⊥(k)(u − y): the deviation is the perturbation term.
        expect(cert.gram!.i1Deviation[k]).toBeCloseTo(ref.i1Deviation, 5);
        expect(cert.gram!.perturbation[k]).toBeCloseTo(ref.perturbation, 5);
        expect(Math.abs(cert.gram!.i1Deviation[k] - cert.gram!.perturbation[k])).toBeLessThan(1e-5);
        expect(cert.gram!.deviation[k]).toBeCloseTo(ref.deviation, 6);
      }
      // S_i^⊥ per input at the last step, by brute force.
      const last = reference(c, Ws, steps - 1, eta);
      expect(Array.from(cert.sPerpLast!)).toEqual(last.perp.map((p) => p.size));
    });
  }

  it('I1 + I2 = u(k+1) − u(k) to round-off, and the split is not trivial', () => {
    const c = randomCase(5, 4, 300, 3);
    const { result, Ws, eta } = run(c, 10, 'kernel');
    const ref = reference(c, Ws, 9, eta);
    for (let i = 0; i < c.n; i++) expect(ref.I1[i] + ref.I2[i]).toBeCloseTo(ref.delta[i], 12);
    expect(result.certificates!.sPerpTotal![9]).toBeGreaterThan(0);
    expect(Math.max(...result.certificates!.splitResidual!)).toBeLessThan(1e-5);
  });

  it("Lemma 3.1's Hoeffding band and the fraction of H(0)'s entries inside it", () => {
    const c = randomCase(7, 6, 50, 5);
    const { result } = run(c, 1, 'primal');
    const h = result.certificates!.hoeffding!;
    const H0 = gram(c.X64, c.n, c.d, c.W64, c.m), Hinf = gramInfinity64(c.X64, c.n, c.d);
    const band = Math.sqrt(4 * Math.log(c.n / 0.1) / c.m);
    expect(h.band).toBeCloseTo(band, 6);
    let inside = 0, worst = 0;
    for (let k = 0; k < c.n * c.n; k++) {
      const dev = Math.abs(H0[k] - Hinf[k]);
      worst = Math.max(worst, dev);
      if (dev <= band) inside++;
    }
    expect(h.fractionInside).toBeCloseTo(inside / (c.n * c.n), 12);
    expect(h.maxDeviation).toBeCloseTo(worst, 6);
    // λ0 computed from H∞ when not given.
    expect(result.certificates!.lambda0).toBeCloseTo(jacobiEigenvalues(Hinf, c.n)[0], 6);
    // A caller's H∞ that puts some entries outside the band: the fraction counts them.
    const shifted = new Float64Array(c.n * c.n);
    let want = 0;
    for (let i = 0; i < c.n; i++) for (let j = 0; j < c.n; j++) {
      const far = (i + j) % 3 === 0;
      shifted[i * c.n + j] = H0[i * c.n + j] + (far ? 1.5 : 0.5) * band;
      if (!far) want++;
    }
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const cert = train(net, c.X, c.y, { eta: 0.01, steps: 1, certificates: { Hinf: { rows: c.n, cols: c.n, data: shifted }, lambda0: 0.1 } }).certificates!;
    net.dispose();
    expect(cert.hoeffding!.fractionInside).toBeCloseTo(want / (c.n * c.n), 12);
    expect(cert.summary.find((s) => s.id === 'hoeffding')!.pass).toBe(false);
  });

  it("the radii: Lemma 3.2's R with its constant, Corollary 4.1's R′, Lemma 3.4's verdict and width", () => {
    const c = randomCase(6, 5, 200, 8);
    const Hinf = gramInfinity(c.X);
    const lambda0 = lambdaMin(Hinf);
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const r0 = Math.sqrt(forward(c.X64, c.n, c.d, c.W64, c.m, c.a64).reduce((s, u, i) => s + (u - c.y64[i]) ** 2, 0));
    const { certificates: cert } = train(net, c.X, c.y, { eta: 0.01, steps: 3, certificates: { Hinf, lambda0, delta: 0.05 } });
    net.dispose();
    const R = Math.sqrt(2 * Math.PI) * 0.05 * lambda0 / (16 * 36);
    const Rp = 4 * Math.sqrt(6) * r0 / (Math.sqrt(200) * lambda0);
    expect(cert!.lemma32Radius).toBeCloseTo(R, 12);
    expect(cert!.corollary41Radius / Rp).toBeCloseTo(1, 5);
    expect(cert!.lemma34!.holds).toBe(Rp < R);
    expect(cert!.lemma34!.widthNeeded / (200 * (Rp / R) ** 2)).toBeCloseTo(1, 4);
    const ids = cert!.summary.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['lemma32', 'corollary41', 'lemma34', 'gramDeviation', 'lemma41', 'flipSubset', 'i2',
      'perturbation', 'condition41', 'proofFactor', 'quadratic', 'hoeffding']));
    expect(cert!.summary.find((s) => s.id === 'flipSubset')!.pass).toBe(true);
  });

  it('summary: pass/fail and log10(bound/measured) from the per-step arrays', () => {
    const c = randomCase(6, 5, 400, 21);
    const { result } = run(c, 20, 'kernel', 5);
    const cert = result.certificates!;
    expect(cert.gram!.step).toEqual([0, 5, 10, 15, 20]);
    expect(cert.gram!.i1Deviation.length).toBe(4);
    const q = cert.summary.find((s) => s.id === 'quadratic')!;
    const logs = Array.from(cert.quadratic, (v, k) => Math.log10(cert.quadraticBound[k] / v)).sort((a, b) => a - b);
    expect(q.looseness!.min).toBeCloseTo(logs[0], 10);
    expect(q.looseness!.median).toBeCloseTo(0.5 * (logs[9] + logs[10]), 10);
    expect(q.pass).toBe(true);
    const cond = cert.summary.find((s) => s.id === 'condition41')!;
    const fails = Array.from(cert.contraction).filter((v, k) => !(v <= cert.condition41[k])).length;
    expect(cond.failures).toBe(fails);
    expect(cond.pass).toBe(fails === 0);
    const decrease = Array.from(cert.contraction, (v, k) => Math.log10((1 - v) / (1 - cert.condition41[k]))).sort((a, b) => a - b);
    expect(cond.looseness!.min).toBeCloseTo(decrease[0], 10);
  });

  it('other activations: the pattern quantities are undefined, λ0 is required', () => {
    const c = randomCase(5, 4, 64, 2);
    const net = TwoLayerNet.fromWeights(c.W, c.a, { activation: 'tanh' });
    expect(() => train(net, c.X, c.y, { eta: 0.05, steps: 2, certificates: true })).toThrow(/lambda0/);
    const cert = train(net, c.X, c.y, { eta: 0.05, steps: 2, certificates: { lambda0: 0.1 } }).certificates!;
    net.dispose();
    expect(cert.sPerpTotal).toBeUndefined();
    expect(cert.i2Norm).toBeUndefined();
    expect(cert.gram).toBeUndefined();
    expect(cert.hoeffding).toBeUndefined();
    expect(cert.contraction.length).toBe(2);
  });

  it("λ_min(H(k)) on the gram grid is the run's own: the same bits with certificates (H(k) built once) as without", () => {
    const c = randomCase(9, 6, 300, 17);
    const go = (certificates: boolean) => {
      const net = TwoLayerNet.fromWeights(c.W, c.a);
      const r = train(net, c.X, c.y, { eta: 0.5, steps: 9, gramEvery: 3, ...(certificates ? { certificates: true } : {}) });
      net.dispose();
      return r;
    };
    const plain = go(false), certified = go(true);
    expect(certified.lambdaMinGram!.step).toEqual([0, 3, 6, 9]);
    expect(certified.lambdaMinGram!.value).toEqual(plain.lambdaMinGram!.value);
    expect(Array.from(certified.residualSq)).toEqual(Array.from(plain.residualSq));
    // ... and they are λ_min of H(k) from W(k): distinct steps give distinct values.
    expect(new Set(certified.lambdaMinGram!.value).size).toBe(4);
  });

  it("onStep's certificatesSoFar gives the transitions recorded so far, the final result's first k entries", () => {
    const c = randomCase(5, 4, 40, 3);
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const seen: { step: number; contraction: number[]; radius: number[] }[] = [];
    const result = train(net, c.X, c.y, {
      eta: 0.05, steps: 6, certificates: { delta: 0.1, gramEvery: 2 },
      onStep: (info) => {
        const so = info.certificatesSoFar!();
        seen.push({ step: info.step, contraction: Array.from(so.contraction), radius: Array.from(so.measuredRadius) });
      },
    });
    net.dispose();
    const final = result.certificates!;
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const s of seen) {
      expect(s.contraction).toEqual(Array.from(final.contraction.slice(0, s.step)));
      expect(s.radius).toEqual(Array.from(final.measuredRadius.slice(0, s.step)));
    }
    const plain = TwoLayerNet.fromWeights(c.W, c.a);
    train(plain, c.X, c.y, { eta: 0.05, steps: 1, onStep: (info) => { expect(info.certificatesSoFar).toBeUndefined(); } });
    plain.dispose();
  });

  it.each(['kernel', 'primal'] as const)('%s: estimateTrainingBytes counts what the certificates add to wasm memory', (method) => {
    const c = randomCase(12, 6, 300, 8);
    const peakOf = (certificates: boolean): number => {
      const net = TwoLayerNet.fromWeights(c.W, c.a);
      const before = memoryInUse().bytesInUse;
      let peak = 0;
      train(net, c.X, c.y, {
        eta: 0.05, steps: 4, method, gramEvery: 2, ...(certificates ? { certificates: { delta: 0.1 } } : {}),
        onStep: () => { peak = Math.max(peak, memoryInUse().bytesInUse - before); },
      });
      net.dispose();
      return peak;
    };
    const shape = { n: 12, d: 6, m: 300, method, gramEvery: 2 };
    const added = estimateTrainingBytes({ ...shape, certificates: true }) - estimateTrainingBytes(shape);
    const measured = peakOf(true) - peakOf(false);
    expect(measured).toBeGreaterThan(0.8 * added);
    expect(measured).toBeLessThanOrEqual(added);
  });

  it('refuses joint training (the proof keeps a fixed)', () => {
    const c = randomCase(4, 3, 16, 1);
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    expect(() => train(net, c.X, c.y, { eta: 0.01, steps: 1, trainOutputLayer: true, certificates: true })).toThrow(/output layer/);
    net.dispose();
  });

  it('refuses a net drawn with scale κ ≠ 1 (the lemmas assume w_r(0) ~ N(0, I)), and takes κ = 1', () => {
    const c = randomCase(4, 3, 16, 1);
    const wide = TwoLayerNet.random({ d: 3, m: 16, seed: 1, scale: 1.5 });
    expect(() => train(wide, c.X, c.y, { eta: 0.01, steps: 1, certificates: true })).toThrow(/w_r\(0\) ~ N\(0, I\).*κ = 1\.5/);
    expect(wide.initScale).toBe(1.5);
    wide.dispose();
    const unit = TwoLayerNet.random({ d: 3, m: 16, seed: 1, scale: 1 });
    expect(train(unit, c.X, c.y, { eta: 0.01, steps: 1, certificates: true }).certificates).toBeDefined();
    unit.dispose();
  });
});

describe('report section "The proof, step by step"', () => {
  it('draws a chart per lemma (measured solid, bound dashed) and the pass/fail table', async () => {
    const { certificateCharts, proofSectionHtml } = await import('../src/cli/proofReport');
    const c = randomCase(6, 5, 400, 21);
    const { result } = run(c, 10, 'kernel', 5);
    const cert = result.certificates!;
    const charts = certificateCharts(cert);
    expect(charts.map((ch) => ch.file)).toEqual(['proof-radius.svg', 'proof-gram-deviation.svg', 'proof-lemma41.svg', 'proof-i2.svg',
      'proof-i1.svg', 'proof-contraction.svg', 'proof-quadratic.svg']);
    for (const ch of charts) {
      expect(ch.svg.startsWith('<svg')).toBe(true);
      expect(ch.svg).toContain('stroke-dasharray');
    }
    const html = proofSectionHtml(cert, charts);
    expect(html).toContain('The proof, step by step');
    for (const s of cert.summary) expect(html).toContain(s.source);
    expect((html.match(/<tr><td>/g) ?? []).length).toBe(cert.summary.length);
  });
});

describe('widthSweep certificates', () => {
  it('passes certificates to train for the widest net (first trial), with the sweep H∞ and λ0', async () => {
    const { widthSweep } = await import('../src/index');
    const sweep = widthSweep({ n: 6, d: 5, widths: [50, 300], steps: 5, trials: 2, certificates: { delta: 0.2 } });
    expect(sweep.certificates!.m).toBe(300);
    expect(sweep.certificates!.trial).toBe(0);
    expect(sweep.certificates!.certificates.lambda0).toBe(sweep.lambda0);
    expect(sweep.certificates!.certificates.delta).toBe(0.2);
    expect(sweep.certificates!.certificates.contraction.length).toBe(5);
    expect(widthSweep({ n: 6, d: 5, widths: [50], steps: 2 }).certificates).toBeUndefined();
  });
});

describe('overparam figure1 --certificates', () => {
  it('parses the flag, writes the proof charts and the report section, and results.json with plain arrays', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { parseFigure1Args } = await import('../src/cli/args');
    expect(parseFigure1Args(['--certificates']).certificates).toBe(true);
    expect(parseFigure1Args([]).certificates).toBeUndefined();
    const out = await mkdtemp(path.join(os.tmpdir(), 'overparam-certs-'));
    try {
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'figure1', '--n', '8', '--d', '6',
        '--widths', '30,200', '--steps', '6', '--test-points', '0', '--certificates', '--out', out], { encoding: 'utf8' });
      expect(child.stderr).not.toMatch(/Error/);
      const html = await readFile(path.join(out, 'report.html'), 'utf8');
      expect(html).toContain('The proof, step by step');
      expect(html).toContain('Lemma 4.1 (eq. 8)');
      for (const f of ['proof-radius.svg', 'proof-lemma41.svg', 'proof-contraction.svg']) {
        expect((await readFile(path.join(out, f), 'utf8')).startsWith('<svg')).toBe(true);
      }
      const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
      expect(results.result.certificates.m).toBe(200);
      expect(Array.isArray(results.result.certificates.certificates.contraction)).toBe(true);
      expect(results.result.certificates.certificates.contraction).toHaveLength(6);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});

// The wasm pass (assembly/relu_net/certificates.ts) against the formulas in float64, on edge sizes:
// n = 1, m = 1, sizes not divisible by 4 or 32, an input whose pre-activations are all 0 (x_i = 0,
// threshold 0), entries with z exactly 0 and |z(0)| exactly at the threshold, and thresholds just
// below a float32 |z(0)| (the set must leave that neuron out: float32AtMost rounds down, not to nearest).
describe('the certificates kernels against their float64 definitions', () => {
  const SIZES: [n: number, m: number][] = [[1, 1], [1, 7], [5, 1], [7, 13], [6, 33], [13, 70], [4, 64]];

  /** Z(0), Z(k), Z(k+1) (m×n neuron-major), a, e, K, and float64 thresholds with the edge cases planted. */
  function kernelCase(n: number, m: number, seed: number) {
    const rand = mulberry32(seed);
    const normal = () => Math.fround(2 * rand() - 1);
    const Z0 = Float32Array.from({ length: m * n }, normal);
    const Zk = Float32Array.from(Z0, (z) => Math.fround(z + 0.3 * (2 * rand() - 1)));
    const Z1 = Float32Array.from(Zk, (z) => Math.fround(z + 0.3 * (2 * rand() - 1)));
    const t = Float64Array.from({ length: n }, () => 0.2 + 0.5 * rand());
    if (n > 1) {
      // Input 1: x_1 = 0, so every z is exactly 0 and the threshold R‖x_1‖ is 0: every neuron in S_1^⊥, none flips.
      for (let r = 0; r < m; r++) { Z0[r * n + 1] = 0; Zk[r * n + 1] = 0; Z1[r * n + 1] = 0; }
      t[1] = 0;
    }
    // Input 0: |z_00(0)| exactly at the threshold (in the set), z_00 exactly 0 at k and −0 at k + 1.
    t[0] = Math.abs(Z0[0]);
    Zk[0] = 0; Z1[0] = -0;
    if (n > 2) {
      // Input 2: a threshold just below the float32 |z_02(0)|, between two floats (outside the set).
      t[2] = Math.abs(Z0[2]) * (1 - 1e-12);
      expect(Math.fround(t[2])).toBe(Math.abs(Z0[2]));
    }
    const a = Float32Array.from({ length: m }, () => (rand() < 0.5 ? -1 : 1) * Math.fround(0.5 + rand()));
    const e = Float32Array.from({ length: n }, normal);
    const X = Array.from({ length: n }, (_, i) => (n > 1 && i === 1 ? [0, 0, 0] : [normal(), normal(), normal()]));
    const K = Float64Array.from({ length: n * n }, (_, q) => X[Math.floor(q / n)].reduce((s, x, c) => s + x * X[q % n][c], 0));
    return { Z0, Zk, Z1, t, a, e, K, scale: 1 / Math.sqrt(m) };
  }

  /** §4.1 from the definitions, in float64. */
  function reference(c: ReturnType<typeof kernelCase>, n: number, m: number) {
    const relu = (z: number) => Math.max(z, 0);
    const I1 = new Float64Array(n), I2 = new Float64Array(n), size = new Float64Array(n); // size: Σ|terms|, for the tolerance
    const perp: number[] = [], flipped: number[] = [], outside: number[] = [];
    const Hperp = new Float64Array(n), Hsize = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let p = 0, f = 0, o = 0;
      for (let r = 0; r < m; r++) {
        const q = r * n + i;
        const inSet = Math.abs(c.Z0[q]) <= c.t[i]; // S_i^⊥ = {r : |w_r(0)ᵀx_i| ≤ R‖x_i‖}
        const term = (c.a[r] * c.scale) * (relu(c.Z1[q]) - relu(c.Zk[q]));
        if (inSet) { p++; I2[i] += term; } else I1[i] += term;
        size[i] += Math.abs(term);
        const flip = (c.Z1[q] >= 0) !== (c.Z0[q] >= 0);
        if (flip) { f++; if (!inSet) o++; }
        if (inSet && c.Zk[q] >= 0) {
          for (let j = 0; j < n; j++) {
            if (c.Zk[r * n + j] >= 0) { Hperp[i] += (c.K[i * n + j] * c.e[j]) / m; Hsize[i] += Math.abs(c.K[i * n + j] * c.e[j]) / m; }
          }
        }
      }
      perp.push(p); flipped.push(f); outside.push(o);
    }
    return { I1, I2, size, perp, flipped, outside, Hperp, Hsize };
  }

  for (const [n, m] of SIZES) {
    it(`n = ${n}, m = ${m}: S_i^⊥, flips, I1, I2, Zprev ← Z(k+1) and H^⊥(k)e`, () => {
      const c = kernelCase(n, m, 100 * n + m);
      const want = reference(c, n, m);
      withBuffers((scope) => {
        const Z0 = scope.from('f32', c.Z0), Zprev = scope.from('f32', c.Zk), Z1 = scope.from('f32', c.Z1), a = scope.from('f32', c.a);
        const threshold = scope.from('f32', Array.from(c.t, float32AtMost)), e = scope.from('f32', c.e), K = scope.from('f64', c.K);
        const I1 = scope.buffer('f64', n), I2 = scope.buffer('f64', n), counts = scope.buffer('f32', 3 * n), Hp = scope.buffer('f64', n);
        const scratch = scope.buffer('f32', perturbationLayout(m, n, threadCount()).bytes / 4);
        perturbation(Z0.ptr, Zprev.ptr, m, n, threshold.ptr, K.ptr, e.ptr, Hp.ptr, scratch.ptr);
        certificateStep(Z0.ptr, Zprev.ptr, Z1.ptr, m, n, a.ptr, c.scale, threshold.ptr, I1.ptr, I2.ptr, counts.ptr);
        const got = Array.from(new Int32Array(kernels().memory.buffer, counts.ptr, 3 * n));
        expect(got.slice(0, n)).toEqual(want.perp);
        expect(got.slice(n, 2 * n)).toEqual(want.flipped);
        expect(got.slice(2 * n)).toEqual(want.outside);
        const i1 = I1.f64(), i2 = I2.f64(), hp = Hp.f64();
        for (let i = 0; i < n; i++) {
          expect(Math.abs(i1[i] - want.I1[i])).toBeLessThanOrEqual(1e-13 * want.size[i]);
          expect(Math.abs(i2[i] - want.I2[i])).toBeLessThanOrEqual(1e-13 * want.size[i]);
          expect(Math.abs(hp[i] - want.Hperp[i])).toBeLessThanOrEqual(1e-13 * want.Hsize[i]);
        }
        expect(Array.from(Zprev.f32())).toEqual(Array.from(c.Z1));
        if (n > 1) expect([got[1], got[n + 1], i1[1], i2[1], hp[1]]).toEqual([m, 0, 0, 0, 0]); // x_1 = 0
        expect(got[0]).toBeGreaterThanOrEqual(1); // |z_00(0)| = threshold is in S_0^⊥
      });
    });
  }

  it('float32AtMost(t) is the largest float32 ≤ t', () => {
    const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
    const up = (x: number) => { f32[0] = x; u32[0] += x >= 0 ? 1 : -1; return f32[0]; }; // one float32 towards +∞ (x ≠ −0)
    for (const t of [0, 1, 0.1, 1 / 3, 1e-45, 1e-46, 3e-39, 0.7 * (1 - 1e-12), 1e38, 3.5e38, Infinity, -0.1, -1e-46]) {
      const f = float32AtMost(t);
      expect(Math.fround(f)).toBe(f);
      expect(f).toBeLessThanOrEqual(t);
      if (Number.isFinite(f)) expect(up(f)).toBeGreaterThan(t);
    }
    expect(Number.isNaN(float32AtMost(NaN))).toBe(true);
  });
});
