// The pass/fail checks of the regime experiment (issue 13 §3, DESIGN §7.3), each with the numbers
// it was decided on; null ("not applicable") when the grid does not allow deciding.
import type { Figure1Check } from './checks.js';
import { formatNumber as format } from './format.js';
import type { RegimeQuantity, RegimeRun, RegimeSweepResult } from './regimes.js';
import { stabilityLimit } from './theory.js';

/**
 * Thresholds of {@link regimeChecks}. "Small" and "O(1)" are read against the grid's own range: at the
 * default grid the relative kernel change runs from ~3·10⁻⁴ (α = 100, γ = ½, m = 10⁴) to ~0.5 (α = 0.01).
 */
export const REGIME_TOLERANCES = {
  /** Lazy: relative kernel change and relative test gap below this. */
  lazy: 0.1,
  /** Feature learning: relative kernel change at least this. */
  featureLearning: 0.1,
  /** movement·α at the two largest α agree to this relative difference (the O(1/α) correction). */
  movementTimesAlpha: 0.1,
  /** Width slopes of the movement and the pattern changes: γ − 1 within this. */
  slope: 0.15,
  /** Smallest α the grid must reach for the lazy checks, largest for the feature-learning one. */
  lazyAlpha: 10,
  featureAlpha: 0.1,
} as const;

const fitFor = (result: RegimeSweepResult, quantity: RegimeQuantity, gamma: number, alpha: number) =>
  result.widthFits.find((f) => f.quantity === quantity && f.gamma === gamma && f.alpha === alpha);

const label = (r: RegimeRun) => `m=${r.m}, γ=${r.gamma}, α=${r.alpha}`;

/**
 * The report's checks, from a {@link regimeSweep} result:
 * one η is stable across the grid (η < 2/λ_max(H(K)) for every run, DESIGN §7.1: the tangent
 * dynamics do not depend on α or γ); lazy at the largest α (kernel change and held-out gap to the
 * linearised model small); movement·α tends to a constant (Chizat et al.); the gap to the linearised
 * model falls as α grows; kernel change O(1) at the smallest α and, at γ = 1, at α = 1; the width
 * slopes of the movement and the pattern changes are γ − 1 (per-neuron movement ∝ m^(γ−1)/α); and
 * the kernel change at γ = ½ falls at least as fast as Lemma 3.2's bound, ∝ R ∝ 1/√m.
 */
export function regimeChecks(result: RegimeSweepResult, tolerances: Partial<typeof REGIME_TOLERANCES> = {}): Figure1Check[] {
  const tol = { ...REGIME_TOLERANCES, ...tolerances };
  const { runs, parameters } = result;
  const { alphas, gammas } = parameters;
  const checks: Figure1Check[] = [];
  const done = runs.filter((r) => r.status === 'done');
  const diverged = runs.filter((r) => r.status === 'diverged');

  const worst = runs.reduce((w, r) => Math.max(w, parameters.eta * r.lambdaMaxFinal), 0);
  checks.push({
    id: 'one-step-size',
    claim: 'one η from λ_max(H(0)) trains every (α, γ, m): no run diverges and η < 2/λ_max(H(K)) in each',
    source: 'DESIGN §7.1 (tangent dynamics independent of α, γ)',
    passed: runs.length === 0 ? null : diverged.length === 0 && runs.every((r) => parameters.eta < stabilityLimit(r.lambdaMaxFinal)),
    detail: `η = ${format(parameters.eta)}; largest η·λ_max(H(K)) ${format(worst)} (stable below 2)` +
      (diverged.length > 0 ? `; diverged: ${diverged.map(label).join('; ')}` : ''),
  });

  const largest = alphas[alphas.length - 1], smallest = alphas[0];
  const atLargest = done.filter((r) => r.alpha === largest);
  checks.push({
    id: 'lazy-at-large-alpha',
    claim: `lazy at the largest α: ‖H(K) − H(0)‖₂/‖H(0)‖₂ < ${tol.lazy} and the held-out gap to the linearised model < ${tol.lazy} (relative)`,
    source: 'Chizat, Oyallon & Bach 2019; DESIGN §7.3',
    passed: largest < tol.lazyAlpha || atLargest.length === 0 ? null
      : atLargest.every((r) => r.kernelChange < tol.lazy && r.testGapRelative < tol.lazy),
    detail: largest < tol.lazyAlpha ? `needs α ≥ ${tol.lazyAlpha} in the grid (largest ${largest})`
      : atLargest.map((r) => `${label(r)}: kernel ${format(r.kernelChange, 3)}, gap ${format(r.testGapRelative, 3)}`).join('; '),
  });

  // movement·α at the two largest α ≥ lazyAlpha, per (m, γ).
  const lazyAlphas = alphas.filter((a) => a >= tol.lazyAlpha);
  const pairs = result.movementTimesAlpha.map((row) => {
    const i = row.alphas.indexOf(lazyAlphas[lazyAlphas.length - 1]), j = row.alphas.indexOf(lazyAlphas[lazyAlphas.length - 2]);
    return { row, last: row.values[i], previous: row.values[j], ok: i >= 0 && j >= 0 };
  }).filter((p) => p.ok);
  checks.push({
    id: 'movement-times-alpha-constant',
    claim: `‖W(K) − W(0)‖_F/‖W(0)‖_F · α tends to a constant: equal within ${100 * tol.movementTimesAlpha}% at the two largest α`,
    source: 'Chizat, Oyallon & Bach 2019 (weights move O(1/α)); DESIGN §7.3',
    passed: lazyAlphas.length < 2 || pairs.length === 0 ? null : pairs.every((p) => Math.abs(p.last / p.previous - 1) <= tol.movementTimesAlpha),
    detail: lazyAlphas.length < 2 ? `needs two α ≥ ${tol.lazyAlpha} in the grid`
      : `α = ${lazyAlphas[lazyAlphas.length - 2]} → ${lazyAlphas[lazyAlphas.length - 1]}: ` +
        pairs.map((p) => `m=${p.row.m}, γ=${p.row.gamma}: ${format(p.previous, 4)} → ${format(p.last, 4)}`).join('; '),
  });

  // From α = the reference (1) up: below it the net is far from lazy and the gap saturates at O(1).
  const series = gammas.flatMap((gamma) => parameters.widths.map((m) => ({ gamma, m, rows: done.filter((r) => r.gamma === gamma && r.m === m && r.alpha >= result.referenceAlpha) })))
    .filter((s) => s.rows.length >= 2);
  checks.push({
    id: 'gap-falls-with-alpha',
    claim: `the held-out gap between the net and its linearised model (H(0) fixed) falls as α grows from ${result.referenceAlpha}`,
    source: 'lazy limit α → ∞ (Chizat et al.)',
    passed: series.length === 0 ? null : series.every((s) => s.rows.every((r, i) => i === 0 || r.testGap < s.rows[i - 1].testGap)),
    detail: series.length === 0 ? `needs two α ≥ ${result.referenceAlpha}` : series.map((s) => `m=${s.m}, γ=${s.gamma}: ${s.rows.map((r) => format(r.testGap, 2)).join(' → ')}`).join('; '),
  });

  const atSmallest = done.filter((r) => r.alpha === smallest);
  checks.push({
    id: 'feature-learning-small-alpha',
    claim: `kernel change O(1) at the smallest α: ‖H(K) − H(0)‖₂/‖H(0)‖₂ ≥ ${tol.featureLearning} for every m and γ`,
    source: 'Chizat, Oyallon & Bach 2019; DESIGN §7.3',
    passed: smallest > tol.featureAlpha || atSmallest.length === 0 ? null : atSmallest.every((r) => r.kernelChange >= tol.featureLearning),
    detail: smallest > tol.featureAlpha ? `needs α ≤ ${tol.featureAlpha} in the grid (smallest ${smallest})`
      : atSmallest.map((r) => `${label(r)}: ${format(r.kernelChange, 3)}`).join('; '),
  });

  const reference = result.referenceAlpha;
  const meanField = done.filter((r) => r.gamma === 1 && r.alpha === reference);
  const meanFieldFit = fitFor(result, 'kernelChange', 1, reference);
  checks.push({
    id: 'feature-learning-mean-field',
    claim: `at γ = 1 (mean field), α = 1: kernel change ≥ ${tol.featureLearning} for every m and about flat in m (slope 0 ± ${tol.slope})`,
    source: 'mean-field scaling, each neuron moves O(1) (DESIGN §7.1, §7.3)',
    passed: reference !== 1 || meanField.length === 0 || !meanFieldFit ? null
      : meanField.every((r) => r.kernelChange >= tol.featureLearning) && Math.abs(meanFieldFit.fit.slope) <= tol.slope,
    detail: reference !== 1 || meanField.length === 0 ? 'needs γ = 1 and α = 1 in the grid'
      : !meanFieldFit ? 'needs two widths'
      : `${meanField.map((r) => `m=${r.m}: ${format(r.kernelChange, 3)}`).join(', ')}; fitted slope ${format(meanFieldFit.fit.slope, 3)}`,
  });

  for (const quantity of ['weightMovement', 'patternChangeFraction'] as const) {
    const fits = gammas.map((gamma) => fitFor(result, quantity, gamma, reference)).filter((f) => f !== undefined);
    const name = quantity === 'weightMovement' ? 'relative movement ‖W(K) − W(0)‖_F/‖W(0)‖_F' : 'pattern-change fraction';
    checks.push({
      id: quantity === 'weightMovement' ? 'movement-width-slope' : 'pattern-change-width-slope',
      claim: `the ${name} scales like m^(γ−1) (−½ at γ = ½, 0 at γ = 1): log-log slope against m within ±${tol.slope}, at α = ${reference}`,
      source: 'per-neuron step η·m^(γ−1)/α (DESIGN §7.1)',
      passed: fits.length === 0 ? null : fits.every((f) => Math.abs(f.fit.slope - f.predictedSlope) <= tol.slope),
      detail: fits.length === 0 ? 'needs two widths'
        : fits.map((f) => `γ=${f.gamma}: slope ${format(f.fit.slope, 3)} (predicted ${f.predictedSlope}, R² ${f.fit.rSquared.toFixed(3)})`).join('; '),
    });
  }

  const ntkFit = fitFor(result, 'kernelChange', 0.5, reference);
  const ntkLazy = fitFor(result, 'kernelChange', 0.5, largest);
  checks.push({
    id: 'kernel-change-width-slope',
    claim: `at γ = ½ the kernel change falls with m at least as fast as 1/√m (slope ≤ −½ + ${tol.slope}), at α = ${reference}`,
    source: 'Lemma 3.2: ‖H(k) − H(0)‖₂ ≤ 2n²R/(√(2π)δ)·… ∝ R ∝ 1/√m (an upper bound)',
    passed: ntkFit ? ntkFit.fit.slope <= -0.5 + tol.slope : null,
    detail: ntkFit
      ? `fitted slope ${format(ntkFit.fit.slope, 3)} (R² ${ntkFit.fit.rSquared.toFixed(3)})` +
        (ntkLazy && largest !== reference ? `; at α = ${largest}: ${format(ntkLazy.fit.slope, 3)}` : '') +
        '. Steeper than −½ because the first-order changes of H cancel between the ±a_r pairs; what is left scales like √(pattern changes/m) ∝ m^(−¾) when lazy'
      : 'needs γ = ½ and two widths',
  });
  return checks;
}
