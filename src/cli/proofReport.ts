// The report section "The proof, step by step" (issue 14 §2): one chart per lemma from
// train(…, { certificates }) (measured solid, bound dashed) and the pass/fail table with each
// bound's slack in orders of magnitude. Lemma numbers are seed 002's (Du et al., ICLR 2019).
import * as Plot from '@observablehq/plot';
import { axis, DASH, renderSvg, THEORY_GREY, type Chart, type LegendEntry } from './charts.js';
import { formatNumber } from '../experiments/format.js';
import type { TrainCertificates } from '../training/certificates.js';
import { escapeHtml } from './html.js';

const MEASURED = '#1f77b4';
const format = (v: number) => formatNumber(v, 3);

interface Series { label: string; k: ArrayLike<number>; v: ArrayLike<number>; style: 'solid' | 'dashed' }

/** One log-scale chart of measured (solid) against bound (dashed) series over k. */
function lemmaChart(cert: TrainCertificates, file: string, title: string, yLabel: string, caption: string, series: Series[]): Chart {
  const colours = [MEASURED, '#d62728', '#2ca02c', '#9467bd'];
  const marks: Plot.Markish[] = [];
  const legend: LegendEntry[] = [];
  series.forEach((s, index) => {
    const color = s.style === 'dashed' ? THEORY_GREY : colours[index % colours.length];
    const rows = Array.from(s.v, (v, i) => ({ k: s.k[i], v })).filter((p) => Number.isFinite(p.v) && p.v > 0);
    marks.push(Plot.line(rows, { x: 'k', y: 'v', stroke: color, strokeWidth: 2, ...(s.style === 'dashed' ? { strokeDasharray: DASH.dashed } : {}) }));
    legend.push({ label: s.label, color, style: s.style });
  });
  const subtitle = `n = ${cert.n}, m = ${cert.m}, η = ${format(cert.eta)}, λ0 = ${format(cert.lambda0)}, δ = ${cert.delta}`;
  const svg = renderSvg({ x: axis('iteration k'), y: axis(yLabel, { log: true }), marks }, { title, subtitle, legend });
  return { file, title, caption, svg };
}

/** The charts of the proof section, one per lemma (ReLU runs; other activations get the radius, contraction and quadratic charts). */
export function certificateCharts(cert: TrainCertificates): Chart[] {
  const steps = Array.from(cert.measuredRadius, (_, k) => k);
  const flat = (v: number) => steps.map(() => v);
  const charts: Chart[] = [];
  const radius: Series[] = [
    { label: 'max_r ‖w_r − w_r(0)‖', k: steps, v: cert.measuredRadius, style: 'solid' },
    { label: "R' (Corollary 4.1)", k: steps, v: flat(cert.corollary41Radius), style: 'dashed' },
  ];
  if (cert.lemma32Radius !== undefined) radius.push({ label: 'R (Lemma 3.2)', k: steps, v: flat(cert.lemma32Radius), style: 'dashed' });
  charts.push(lemmaChart(cert, 'proof-radius.svg', 'Lemma 3.2, Corollary 4.1, Lemma 3.4: radii', 'radius',
    "Solid: the measured largest distance from initialisation. Dashed: Corollary 4.1's R' and Lemma 3.2's R (with its proof's constant); Lemma 3.4 needs R' < R.", radius));
  if (cert.gram) {
    charts.push(lemmaChart(cert, 'proof-gram-deviation.svg', 'Lemma 3.2: ‖H(k) − H(0)‖₂', '‖H(k) − H(0)‖₂',
      "Solid: measured on the gramEvery grid. Dashed: the proof's bound 4n²R/(√(2π)δ) at the measured radius (Markov at δ).", [
        { label: 'measured', k: cert.gram.step, v: cert.gram.deviation, style: 'solid' },
        { label: 'Lemma 3.2 bound', k: cert.gram.step, v: cert.gram.deviationBound, style: 'dashed' },
      ]));
  }
  if (cert.sPerpTotal && cert.lemma41Bound && cert.flipped) {
    charts.push(lemmaChart(cert, 'proof-lemma41.svg', 'Lemma 4.1: Σ_i |S_i^⊥|', 'pairs (i, r)',
      'Solid: Σ_i |S_i^⊥| (neurons that can flip at the measured radius) and the pairs that did flip (a subset). Dashed: Lemma 4.1 with Markov at δ.', [
        { label: 'Σ|S_i^⊥|', k: steps, v: cert.sPerpTotal, style: 'solid' },
        { label: 'flipped', k: steps, v: cert.flipped, style: 'solid' },
        { label: '2mnR/(√(2π)δ)', k: steps, v: cert.lemma41Bound, style: 'dashed' },
      ]));
  }
  if (cert.i2Norm && cert.i2Bound) {
    charts.push(lemmaChart(cert, 'proof-i2.svg', '§4.1: the perturbation I2', '‖I2‖₂', "Solid: ‖I2‖ (the change of u from the neurons that can flip). Dashed: the paper's bound.", [
      { label: '‖I2‖', k: steps, v: cert.i2Norm, style: 'solid' },
      { label: 'bound', k: steps, v: cert.i2Bound, style: 'dashed' },
    ]));
  }
  if (cert.gram && cert.gram.perturbation.length > 0) {
    const k = cert.gram.step.slice(0, cert.gram.perturbation.length);
    charts.push(lemmaChart(cert, 'proof-i1.svg', '§4.1: I1 = −ηH(k)(u − y) + ηH^⊥(k)(u − y)', 'norm',
      "Solid: ‖I1 + ηH(k)(u − y)‖, which equals ‖ηH^⊥(k)(u − y)‖ when no neuron of S_i flips. Dashed: η·n·Σ|S_i^⊥|/m·‖u − y‖.", [
        { label: '‖I1 + ηH(u − y)‖', k, v: cert.gram.i1Deviation, style: 'solid' },
        { label: 'bound', k, v: cert.gram.perturbationBound, style: 'dashed' },
      ]));
  }
  const contraction: Series[] = [
    { label: '1 − ratio (measured)', k: steps, v: Array.from(cert.contraction, (v) => 1 - v), style: 'solid' },
    { label: 'ηλ0/2 (Condition 4.1)', k: steps, v: Array.from(cert.condition41, (v) => 1 - v), style: 'dashed' },
  ];
  if (cert.proofFactor) contraction.push({ label: "proof's decrease", k: steps, v: Array.from(cert.proofFactor, (v) => 1 - v), style: 'dashed' });
  charts.push(lemmaChart(cert, 'proof-contraction.svg', 'Condition 4.1: the one-step decrease', '1 − ‖y − u(k+1)‖²/‖y − u(k)‖²',
    "Solid: the measured decrease per step. Dashed: the decrease Condition 4.1 guarantees and the proof's own (absent where the proof's factor is ≥ 1: vacuous).", contraction));
  charts.push(lemmaChart(cert, 'proof-quadratic.svg', '§4.1: the quadratic term', '‖u(k+1) − u(k)‖²', 'Solid: measured. Dashed: η²n²‖y − u(k)‖².', [
    { label: 'measured', k: steps, v: cert.quadratic, style: 'solid' },
    { label: 'bound', k: steps, v: cert.quadraticBound, style: 'dashed' },
  ]));
  return charts;
}

/** The HTML of "The proof, step by step": the pass/fail table with each bound's slack, then the charts. */
export function proofSectionHtml(cert: TrainCertificates, charts: Chart[]): string {
  const slack = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
  const rows = cert.summary.map((c) => `<tr><td>${escapeHtml(c.source)}</td><td>${escapeHtml(c.statement)}</td>` +
    `<td>${c.pass ? '✓ pass' : '✗ fail'}</td><td>${c.failures} / ${c.checked}</td>` +
    `<td>${slack(c.looseness?.median)}</td><td>${slack(c.looseness?.min)}</td></tr>`).join('\n');
  const lemma34 = cert.lemma34
    ? `<p>Lemma 3.4: R′ = ${format(cert.corollary41Radius)} ${cert.lemma34.holds ? '<' : '≥'} R = ${format(cert.lemma32Radius!)}; ` +
      `R′ < R would need m ≥ ${format(cert.lemma34.widthNeeded)} (this run: m = ${cert.m}).</p>`
    : '';
  const hoeffding = cert.hoeffding
    ? `<p>Lemma 3.1: ${(100 * cert.hoeffding.fractionInside).toFixed(1)}% of the entries of H(0) lie within the Hoeffding band ` +
      `${format(cert.hoeffding.band)} of H∞ (largest deviation ${format(cert.hoeffding.maxDeviation)}).</p>`
    : '';
  const figures = charts.map((c) => `<figure id="${escapeHtml(c.file)}">${c.svg}<figcaption><b>${escapeHtml(c.title)}.</b> ${escapeHtml(c.caption)}</figcaption></figure>`).join('\n');
  return `<section id="proof"><h2>The proof, step by step</h2>
<p>Each quantity of the proof of Theorem 4.1 (seed 002, §4.1 and the appendix) measured at every step of the widest net, against the bound the proof states.
Slack: log10(bound/measured), median and min over the steps (for the contraction, of the decreases).</p>
${lemma34}${hoeffding}
<table><thead><tr><th>source</th><th>inequality</th><th>verdict</th><th>failures</th><th>slack (median)</th><th>slack (min)</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${figures}
</section>`;
}
