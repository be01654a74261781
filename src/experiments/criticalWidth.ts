// How wide is wide enough (issue 14 §3): for each n the smallest width m* at which gradient descent
// meets Theorem 4.1's conclusions (seed 002) in most trials, and the power law m* ∝ n^p through them.
import { extremeEigenvalues } from '../spectra.js';
import { gramInfinity } from '../kernels.js';
import { OverparamRangeError } from '../errors.js';
import { sphereData } from '../data.js';
import { train } from '../training.js';
import { TwoLayerNet } from '../network.js';
import { checkInteger, checkPositive } from '../matrix.js';
import { stepSizeFromSpectrum } from './stepSize.js';
import { convergenceBound, fitPowerLaw, trainingGramFloor, type PowerLawFit } from './theory.js';
import { widthRequirements, type WidthRequirement } from './proof.js';

/** Options of {@link criticalWidth}. */
export interface CriticalWidthOptions {
  /** The sample sizes, each searched on its own (sphereData({ n, d, seed })). */
  n: number[];
  /** Input dimension: a number, or 'n' for d = n at every n. */
  d: number | 'n';
  /** Networks per candidate width (seeds seed + 1 + trial, like widthSweep). */
  trials: number;
  /** GD steps K each run must satisfy the conclusions for. */
  steps: number;
  /** Seed of the data; trial t's networks use seed + 1 + t. Default 0. */
  seed?: number;
  /** Record λ_min(H(k)) every this many steps (train's gramEvery; also step 0 and the last). Default 1: every step. */
  gramEvery?: number;
  /** Share of trials that must pass, in (0, 1]. Default 0.9. */
  passFraction?: number;
  /** Bisection stops when the bracket m_hi/m_lo is at most 1 + this. Default 0.05. */
  relativeTolerance?: number;
  /** First width tried; default n (the search then doubles or halves). */
  initialWidth?: (n: number) => number;
  /** Give up (m* = null) beyond this width. Default 2²⁰. */
  maxWidth?: number;
  /** δ for the theoretical requirements reported beside m*. Default 0.1. */
  delta?: number;
  onProgress?: (progress: CriticalWidthProgress) => void;
  /** Stops within one GD step; the n values finished so far are kept and the status is 'aborted'. */
  signal?: AbortSignal;
}

/** Progress of {@link criticalWidth}. */
export interface CriticalWidthProgress {
  /** Index of this n in the options' list, and the list's length. */
  nIndex: number;
  nCount: number;
  n: number;
  /** Width being tried, its trial, and the GD step just completed. */
  m: number;
  trial: number;
  step: number;
  steps: number;
  /** Widths tried so far for this n. */
  evaluations: number;
}

/** One width tried: how many trials met each conclusion. */
export interface WidthTrial {
  m: number;
  /** Trials meeting both conclusions. */
  passed: number;
  trials: number;
  passes: boolean;
  /** Trials in which λ_min(H(k)) < λ0/2 at some recorded k. */
  gramFailures: number;
  /** Trials in which ‖y − u(k)‖² > (1 − ηλ0/2)^k‖y − u(0)‖² at some k (or the run diverged). */
  rateFailures: number;
  /** Smallest λ_min(H(k))/λ0 over trials and recorded k. */
  lowestGramRatio: number;
  /** Largest ‖y − u(k)‖²/((1 − ηλ0/2)^k‖y − u(0)‖²) over trials and k. */
  worstRateRatio: number;
  /** Mean ‖y − u(0)‖² over the trials. */
  initialResidualSq: number;
}

/** The search's outcome at one n. */
export interface CriticalWidthPoint {
  n: number;
  d: number;
  lambda0: number;
  lambdaMaxInfinity: number;
  /** suggestStepSize's η from H∞: ¼ · 2/λ_max(H∞) (fixed per n, so every width of the search uses it). */
  eta: number;
  /** m*: the smallest passing width found (bracket ≤ 1 + relativeTolerance); null when none up to maxWidth passed. */
  criticalWidth: number | null;
  /** The largest failing width below m* (null when m = 1 passed, or no m* was found). */
  failingWidth: number | null;
  /** The conclusion that failed at failingWidth in more trials ('both' on a tie). */
  binds: 'gram' | 'rate' | 'both' | null;
  /** Every width tried, in the order tried. */
  evaluations: WidthTrial[];
  /** widthRequirements at this n (δ, ‖y − u(0)‖ measured at m*, t = ηK). */
  requirements: WidthRequirement[];
}

/** A power-law fit with a confidence interval on its exponent. */
export interface PowerLawFitWithInterval extends PowerLawFit {
  /** Standard error of the slope from the log-log regression (NaN for two points). */
  slopeStandardError: number;
  /** The confidence level of `slopeInterval` (0.95). */
  level: number;
  /** slope ± t_{0.975, N−2} · standard error ([NaN, NaN] for two points). */
  slopeInterval: [number, number];
  /** Points in the fit. */
  points: number;
}

/** Result of {@link criticalWidth}. */
export interface CriticalWidthResult {
  status: 'done' | 'aborted';
  parameters: {
    n: number[]; d: number | 'n'; trials: number; steps: number; seed: number; gramEvery: number;
    passFraction: number; relativeTolerance: number; maxWidth: number; delta: number;
  };
  /** One point per n finished, in the order of `n`. */
  points: CriticalWidthPoint[];
  /** m* ∝ n^p over the points with an m* (needs two distinct n). */
  fit?: PowerLawFitWithInterval;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
  2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];

/** t_{0.975, df}: the table to 30, then the normal 1.96 plus the first Cornish-Fisher correction. */
export function studentT975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df);
}

/**
 * fitPowerLaw (least squares through (log x, log y)) with the slope's standard error
 * s/√Sxx, s² = Σ residual²/(N − 2), and its 95% interval slope ± t_{0.975, N−2}·SE.
 */
export function fitPowerLawWithInterval(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFitWithInterval {
  const fit = fitPowerLaw(x, y);
  const lx = Array.from(x, Math.log), ly = Array.from(y, Math.log);
  const N = lx.length;
  const mx = lx.reduce((s, v) => s + v, 0) / N;
  const intercept = Math.log(fit.prefactor);
  let sxx = 0, ssr = 0;
  for (let i = 0; i < N; i++) {
    sxx += (lx[i] - mx) ** 2;
    ssr += (ly[i] - (intercept + fit.slope * lx[i])) ** 2;
  }
  const se = N > 2 ? Math.sqrt(ssr / (N - 2) / sxx) : NaN; // OLS: SE(slope) = s/√Sxx
  const half = studentT975(N - 2) * se;
  return { ...fit, slopeStandardError: se, level: 0.95, slopeInterval: [fit.slope - half, fit.slope + half], points: N };
}

/** The ceiling of passFraction·trials, robust to 0.9·10 = 9.000000000000002. */
function needed(passFraction: number, trials: number): number {
  return Math.ceil(passFraction * trials - 1e-9);
}

/**
 * For each n, the smallest width m* at which at least passFraction (90%) of the trials meet
 * Theorem 4.1's conclusions (seed 002) for K = steps steps at suggestStepSize's η (¼·2/λ_max(H∞)):
 * - Lemma 3.2 / Condition 4.1's premise: λ_min(H(k)) ≥ λ0/2 at every recorded k, and
 * - Theorem 4.1 / Condition 4.1: ‖y − u(k)‖² ≤ (1 − ηλ0/2)^k‖y − u(0)‖² at every k ≤ K.
 * The search doubles (or halves) from initialWidth(n) until the verdict changes, then bisects in
 * log m until m_hi/m_lo ≤ 1 + relativeTolerance; m* = m_hi. `binds` names the conclusion that
 * failed most at the failing width m_lo. The data are sphereData({ n, d, seed }); trial t's nets
 * use seed + 1 + t at every width, so each n's search depends on nothing but its own settings (the
 * CLI shards by n on this).
 */
export function criticalWidth(options: CriticalWidthOptions): CriticalWidthResult {
  const {
    n: ns, d, trials, steps, seed = 0, gramEvery = 1, passFraction = 0.9, relativeTolerance = 0.05,
    maxWidth = 2 ** 20, delta = 0.1, onProgress, signal,
  } = options;
  if (!Array.isArray(ns) || ns.length === 0) throw new OverparamRangeError('BAD_VALUE', 'criticalWidth: n must be a non-empty array');
  ns.forEach((v, i) => checkInteger(v, `criticalWidth: n[${i}]`, 2));
  if (d !== 'n') checkInteger(d, 'criticalWidth: d');
  checkInteger(trials, 'criticalWidth: trials');
  checkInteger(steps, 'criticalWidth: steps');
  checkInteger(seed, 'criticalWidth: seed', 0, Number.MAX_SAFE_INTEGER);
  checkInteger(gramEvery, 'criticalWidth: gramEvery');
  checkInteger(maxWidth, 'criticalWidth: maxWidth');
  checkPositive(relativeTolerance, 'criticalWidth: relativeTolerance');
  if (!(passFraction > 0 && passFraction <= 1)) {
    throw new OverparamRangeError('BAD_VALUE', `criticalWidth: passFraction must be in (0, 1], got ${passFraction}`);
  }
  const initialWidth = options.initialWidth ?? ((n: number) => n);
  const points: CriticalWidthPoint[] = [];
  let aborted = false;
  for (const [nIndex, n] of ns.entries()) {
    if (signal?.aborted) { aborted = true; break; }
    const point = searchOne({ n, d: d === 'n' ? n : d, nIndex, nCount: ns.length });
    if (!point) { aborted = true; break; }
    points.push(point);
  }
  const found = points.filter((p) => p.criticalWidth !== null);
  const fit = new Set(found.map((p) => p.n)).size >= 2
    ? fitPowerLawWithInterval(found.map((p) => p.n), found.map((p) => p.criticalWidth!))
    : undefined;
  return {
    status: aborted ? 'aborted' : 'done',
    parameters: { n: [...ns], d, trials, steps, seed, gramEvery, passFraction, relativeTolerance, maxWidth, delta },
    points, ...(fit ? { fit } : {}),
  };

  /** The search at one n; undefined when aborted. */
  function searchOne({ n, d, nIndex, nCount }: { n: number; d: number; nIndex: number; nCount: number }): CriticalWidthPoint | undefined {
    const { X, y } = sphereData({ n, d, seed });
    const Hinf = gramInfinity(X);
    const { min: lambda0, max: lambdaMaxInfinity } = extremeEigenvalues(Hinf);
    const { eta } = stepSizeFromSpectrum({ lambdaMax: lambdaMaxInfinity, lambda0, n, source: 'gramInfinity' });
    if (!(lambda0 > 0)) throw new OverparamRangeError('BAD_VALUE', `criticalWidth: λ0 = ${lambda0} at n = ${n}, d = ${d}: the data are degenerate`);
    const floor = trainingGramFloor(lambda0);
    const evaluations: WidthTrial[] = [];
    const cache = new Map<number, WidthTrial>();

    const evaluate = (m: number): WidthTrial | undefined => {
      const known = cache.get(m);
      if (known) return known;
      let passed = 0, gramFailures = 0, rateFailures = 0, lowestGramRatio = Infinity, worstRateRatio = 0, r0Sum = 0;
      for (let trial = 0; trial < trials; trial++) {
        const net = TwoLayerNet.random({ d, m, seed: seed + 1 + trial });
        try {
          const result = train(net, X, y, {
            eta, steps, gramEvery, loss: 'sum', signal,
            onStep: (info) => onProgress?.({ nIndex, nCount, n, m, trial, step: info.step, steps, evaluations: evaluations.length }),
          });
          if (result.status === 'aborted') return undefined;
          const residualSq = result.residualSq;
          r0Sum += residualSq[0];
          const bound = convergenceBound(residualSq[0], eta, lambda0, steps); // Theorem 4.1: (1 − ηλ0/2)^k‖y − u(0)‖²
          let rateOk = result.status === 'done';
          for (let k = 0; k < residualSq.length; k++) {
            const ratio = residualSq[k] / bound[k];
            if (ratio > worstRateRatio || Number.isNaN(ratio)) worstRateRatio = Number.isNaN(ratio) ? Infinity : ratio;
            if (!(residualSq[k] <= bound[k])) rateOk = false;
          }
          const values = result.lambdaMinGram?.value ?? [];
          let gramOk = values.length > 0;
          for (const v of values) {
            lowestGramRatio = Math.min(lowestGramRatio, v / lambda0);
            if (!(v >= floor)) gramOk = false; // Lemma 3.2: λ_min(H(k)) ≥ λ0/2
          }
          if (!gramOk) gramFailures++;
          if (!rateOk) rateFailures++;
          if (gramOk && rateOk) passed++;
        } finally {
          net.dispose();
        }
      }
      const record: WidthTrial = {
        m, passed, trials, passes: passed >= needed(passFraction, trials), gramFailures, rateFailures,
        lowestGramRatio, worstRateRatio, initialResidualSq: r0Sum / trials,
      };
      cache.set(m, record);
      evaluations.push(record);
      return record;
    };

    // Geometric search: ×2 up from a failure, ÷2 down from a pass, until the verdict flips.
    let m = Math.min(Math.max(1, Math.round(initialWidth(n))), maxWidth);
    const first = evaluate(m);
    if (!first) return undefined;
    let lo: WidthTrial | undefined, hi: WidthTrial | undefined;
    if (first.passes) {
      hi = first;
      while (hi.m > 1) {
        const next = evaluate(Math.max(1, Math.floor(hi.m / 2)));
        if (!next) return undefined;
        if (next.passes) hi = next; else { lo = next; break; }
      }
    } else {
      lo = first;
      while (lo.m < maxWidth) {
        const next = evaluate(Math.min(maxWidth, lo.m * 2));
        if (!next) return undefined;
        if (next.passes) { hi = next; break; }
        lo = next;
      }
    }
    // Bisection in log m.
    while (lo && hi && hi.m / lo.m > 1 + relativeTolerance) {
      const mid = Math.round(Math.sqrt(lo.m * hi.m));
      if (mid <= lo.m || mid >= hi.m) break;
      const at = evaluate(mid);
      if (!at) return undefined;
      if (at.passes) hi = at; else lo = at;
    }
    const failing = hi ? lo : undefined;
    const binds = failing
      ? failing.gramFailures > failing.rateFailures ? 'gram' : failing.rateFailures > failing.gramFailures ? 'rate' : 'both'
      : null;
    const atStar = hi ?? lo!;
    return {
      n, d, lambda0, lambdaMaxInfinity, eta,
      criticalWidth: hi ? hi.m : null,
      failingWidth: failing ? failing.m : null,
      binds, evaluations,
      requirements: widthRequirements({
        n, lambda0, delta, initialResidualNorm: Math.sqrt(atStar.initialResidualSq), t: eta * steps, d,
      }),
    };
  }
}
