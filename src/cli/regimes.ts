// `overparam regimes`: the regime experiment (issue 13 §3) with its charts, CSVs, results.json and
// report.html. Runs on the main thread (the default grid takes about half a minute).
import path from 'node:path';
import * as Plot from '@observablehq/plot';
import { init } from '../index.js';
import { regimeChecks, regimeSweep, type Figure1Check, type RegimeRun, type RegimeSweepResult } from '../experiments/index.js';
import { formatNumber } from '../experiments/format.js';

import { axis, DASH, renderSvg, THEORY_GREY, type Chart, type LegendEntry } from './charts.js';
import { EXIT } from './commands.js';
import { toCsv } from './csv.js';
import { environment, type Environment } from './results.js';
import { parseRegimesArgs, REGIMES_USAGE, type RegimesSettings } from './regimesArgs.js';
import { checkOutputDirectory, writeOutputFiles } from './files.js';
import { checksSection, figuresHtml, filesList, htmlPage, settingsTable } from './html.js';

/** The contents of the regimes command's results.json. */
export interface RegimesResultsFile {
  command: 'regimes';
  settings: RegimesSettings;
  environment: Environment;
  startedAt: string;
  wallSeconds: number;
  status: RegimeSweepResult['status'];
  checks: Figure1Check[];
  result: RegimeSweepResult;
  files: string[];
}

const format = (v: number) => formatNumber(v, 3);
const positive = (v: number) => Number.isFinite(v) && v > 0;
const GAMMA_DASH = (gamma: number, gammas: number[]) => (gammas.indexOf(gamma) === 0 ? undefined : gammas.indexOf(gamma) === 1 ? DASH.dashed : DASH.dotted);

function palette(keys: number[], prefix: string): (key: number) => string {
  const scale = Plot.scale({ color: { type: 'ordinal', scheme: 'tableau10', domain: keys.map((k) => `${prefix}${k}`) } });
  return (key) => String(scale.apply(`${prefix}${key}`));
}

function subtitle(result: RegimeSweepResult): string {
  const p = result.parameters;
  return `n = ${p.n}, d = ${p.d}, ${p.testPoints} held-out points, η = ${format(p.eta)}, ${p.steps} GD steps, symmetric start (f(W(0)) = 0)`;
}

const QUANTITIES = {
  kernelChange: { file: 'kernel-change', label: '‖H(K) − H(0)‖₂ / ‖H(0)‖₂', title: 'Relative kernel change' },
  weightMovement: { file: 'movement', label: '‖W(K) − W(0)‖_F / ‖W(0)‖_F', title: 'Relative weight movement' },
  patternChangeFraction: { file: 'pattern-changes', label: 'patterns changed since k = 0', title: 'Activation pattern changes' },
  testGapRelative: { file: 'test-gap', label: '‖f_net − f_lin‖ / ‖f_lin‖ (held out)', title: 'Gap to the linearised model' },
} as const;
type Quantity = keyof typeof QUANTITIES;

/** One quantity against α (log-log), a line per (m, γ): colour m, dash γ; the movement chart adds the lazy line c/α. */
function alphaChart(result: RegimeSweepResult, quantity: Quantity): Chart {
  const { widths, gammas, alphas } = result.parameters;
  const colour = palette(widths, 'm = ');
  const runs = result.runs.filter((r) => r.status === 'done' && positive(r[quantity]));
  const marks: Plot.Markish[] = [];
  const legend: LegendEntry[] = widths.map((m) => ({ label: `m = ${m.toLocaleString('en-US')}`, color: colour(m), style: 'solid' }));
  gammas.forEach((gamma, i) => legend.push({ label: `γ = ${gamma}`, color: THEORY_GREY, style: i === 0 ? 'solid' : i === 1 ? 'dashed' : 'dotted' }));
  for (const gamma of gammas) {
    const rows = runs.filter((r) => r.gamma === gamma).map((r) => ({ alpha: r.alpha, value: r[quantity], m: r.m }));
    marks.push(Plot.line(rows, { x: 'alpha', y: 'value', z: 'm', stroke: (d: { m: number }) => colour(d.m), strokeWidth: 2, strokeDasharray: GAMMA_DASH(gamma, gammas) }));
    marks.push(Plot.dot(rows, { x: 'alpha', y: 'value', fill: (d: { m: number }) => colour(d.m), r: 3 }));
  }
  let caption = '';
  if (quantity === 'weightMovement') {
    // Lazy: movement·α → c, drawn as c/α through the largest α of each (m, γ).
    const top = alphas[alphas.length - 1];
    const lazy = result.movementTimesAlpha.flatMap((row) => {
      const c = row.values[row.alphas.indexOf(top)];
      return positive(c) ? alphas.map((alpha) => ({ alpha, value: c / alpha, key: `${row.m}/${row.gamma}`, m: row.m })) : [];
    });
    marks.unshift(Plot.line(lazy, { x: 'alpha', y: 'value', z: 'key', stroke: (d: { m: number }) => colour(d.m), strokeWidth: 1, strokeOpacity: 0.6, strokeDasharray: DASH.dotted }));
    legend.push({ label: 'lazy: c/α (c at the largest α)', color: THEORY_GREY, style: 'dotted' });
    caption = 'Dotted: the lazy prediction movement·α → const, c/α through the largest α. ';
  }
  const q = QUANTITIES[quantity];
  const svg = renderSvg({
    x: axis('output scale α', { log: true, inset: 10 }),
    y: axis(q.label, { log: true, inset: 10 }),
    marks,
  }, { title: `${q.title} against α`, subtitle: subtitle(result), legend });
  return {
    file: `regimes-${q.file}-vs-alpha.svg`,
    title: `${q.title}, ${q.label}, against the output scale α (log-log)`,
    caption: `${caption}One line per width (colour) and width exponent γ (dash), at the last step K = ${result.parameters.steps}. ` +
      'Large α is lazy (the net stays its linearisation at W(0)); small α, and γ = 1, learn features.',
    svg,
  };
}

/** One quantity against m (log-log), colour γ; the fits at the reference α solid, the other α faint, the slope γ − 1 dashed. */
function widthChart(result: RegimeSweepResult, quantity: 'kernelChange' | 'weightMovement' | 'patternChangeFraction'): Chart {
  const { gammas, alphas, widths } = result.parameters;
  const colour = palette(gammas, 'γ = ');
  const reference = result.referenceAlpha;
  const runs = result.runs.filter((r) => r.status === 'done' && positive(r[quantity]));
  const marks: Plot.Markish[] = [];
  const legend: LegendEntry[] = [];
  const [lo, hi] = [Math.min(...widths), Math.max(...widths)];
  for (const gamma of gammas) {
    const faint = runs.filter((r) => r.gamma === gamma && r.alpha !== reference).map((r) => ({ m: r.m, value: r[quantity], alpha: r.alpha }));
    marks.push(Plot.line(faint, { x: 'm', y: 'value', z: 'alpha', stroke: colour(gamma), strokeOpacity: 0.25, strokeWidth: 1.2 }));
    const main = runs.filter((r) => r.gamma === gamma && r.alpha === reference).map((r) => ({ m: r.m, value: r[quantity] }));
    marks.push(Plot.dot(main, { x: 'm', y: 'value', fill: colour(gamma), r: 4 }));
    const fit = result.widthFits.find((f) => f.quantity === quantity && f.gamma === gamma && f.alpha === reference);
    if (fit && lo < hi) {
      marks.push(Plot.line([lo, hi].map((m) => ({ m, value: fit.fit.prefactor * m ** fit.fit.slope })), { x: 'm', y: 'value', stroke: colour(gamma), strokeWidth: 2 }));
      // The slope γ − 1 through the geometric mean of the points, so only the slope is compared.
      const meanLog = main.reduce((s, d) => s + Math.log(d.value), 0) / main.length;
      const meanM = main.reduce((s, d) => s + Math.log(d.m), 0) / main.length;
      marks.push(Plot.line([lo, hi].map((m) => ({ m, value: Math.exp(meanLog + fit.predictedSlope * (Math.log(m) - meanM)) })),
        { x: 'm', y: 'value', stroke: colour(gamma), strokeWidth: 1.2, strokeDasharray: DASH.dashed }));
      legend.push({ label: `γ = ${gamma}: fit slope ${format(fit.fit.slope)}`, color: colour(gamma), style: 'solid' });
      legend.push({ label: `γ = ${gamma}: m^(γ−1), slope ${fit.predictedSlope}`, color: colour(gamma), style: 'dashed' });
    }
  }
  legend.push({ label: `other α (${alphas.filter((a) => a !== reference).join(', ')})`, color: '#bbbbbb', style: 'solid' });
  const q = QUANTITIES[quantity];
  const svg = renderSvg({
    x: axis('width m', { log: true, inset: 12 }),
    y: axis(q.label, { log: true, inset: 12 }),
    marks,
  }, { title: `${q.title} against m, at α = ${reference}`, subtitle: subtitle(result), legend });
  return {
    file: `regimes-${q.file}-vs-width.svg`,
    title: `${q.title} against the width m (log-log), per γ`,
    caption: `Dots and solid line: α = ${reference} and its least-squares fit; faint: the other α. Dashed: slope γ − 1, the per-neuron ` +
      'step m^(γ−1)/α (DESIGN §7.1). ' + (quantity === 'kernelChange'
      ? 'The kernel change falls faster than that at γ = ½: its first-order part cancels between the ±a_r pairs.' : ''),
    svg,
  };
}

/** The charts of a regime sweep. */
export function regimeCharts(result: RegimeSweepResult): Chart[] {
  if (result.runs.length === 0) return [];
  return [
    ...(Object.keys(QUANTITIES) as Quantity[]).map((q) => alphaChart(result, q)),
    widthChart(result, 'kernelChange'), widthChart(result, 'weightMovement'), widthChart(result, 'patternChangeFraction'),
  ];
}

function csvs(result: RegimeSweepResult): { file: string; text: string }[] {
  const columns: (keyof RegimeRun)[] = ['alpha', 'gamma', 'm', 'status', 'stepsRun', 'kernelChange', 'weightMovement', 'patternChangeFraction',
    'testGap', 'testGapRelative', 'residualSqInitial', 'residualSqFinal', 'residualSqLazy', 'lambdaMaxFinal'];
  const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [
    { file: 'regimes-runs.csv', text: toCsv(columns.map(snake), result.runs.map((r) => columns.map((c) => r[c] as number | string))) },
    { file: 'regimes-width-fits.csv', text: toCsv(['quantity', 'gamma', 'alpha', 'slope', 'prefactor', 'r_squared', 'predicted_slope'],
      result.widthFits.map((f) => [snake(f.quantity), f.gamma, f.alpha, f.fit.slope, f.fit.prefactor, f.fit.rSquared, f.predictedSlope])) },
    { file: 'regimes-movement-times-alpha.csv', text: toCsv(['m', 'gamma', 'alpha', 'movement_times_alpha'],
      result.movementTimesAlpha.flatMap((row) => row.alphas.map((a, i) => [row.m, row.gamma, a, row.values[i]]))) },
  ];
}

/** report.html of the regimes command: settings, the checks table, every run and the charts. */
export function regimesReportHtml(file: RegimesResultsFile, charts: Chart[]): string {
  const { result, checks, environment: env } = file;
  const p = result.parameters;
  const settings: [string, string][] = [
    ['data', `n = ${p.n} training and ${p.testPoints} held-out points uniform on the unit sphere in R^${p.d}, labels y_i ~ N(0, 1) (seed ${p.seed})`],
    ['grid', `α ∈ {${p.alphas.join(', ')}}, γ ∈ {${p.gammas.join(', ')}}, m ∈ {${p.widths.join(', ')}}; nets from seed ${p.seed + 1}, symmetric start`],
    ['step size η', `${formatNumber(p.eta)} (${result.stepSize.source === 'given' ? 'given' : `derived: ¼ · 2/λ_max(H(0)), λ_max = ${formatNumber(result.stepSize.suggestion.lambdaMax)} the largest over the widths`}), ${p.steps} steps, one η for the whole grid`],
    ['kernel regime', 'the linearised net: f_lin(x) = H(0)(x, X)·η·Σ_{k<K} r(k), r(k+1) = (I − ηH(0)) r(k), H(0) the finite-width kernel of the same W(0)'],
    ['status', file.status],
    ['wall time', `${file.wallSeconds.toFixed(1)} s, started ${file.startedAt}`],
    ['software', `overparam ${env.overparam}, Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}`],
  ];
  const runRows = result.runs.map((r) => `<tr><td>${r.alpha}</td><td>${r.gamma}</td><td>${r.m}</td><td>${r.status}</td>` +
    `<td>${formatNumber(r.kernelChange)}</td><td>${formatNumber(r.weightMovement)}</td><td>${formatNumber(r.weightMovement * r.alpha)}</td>` +
    `<td>${formatNumber(r.patternChangeFraction)}</td><td>${formatNumber(r.testGapRelative)}</td><td>${formatNumber(r.residualSqFinal)}</td><td>${formatNumber(r.residualSqLazy)}</td></tr>`).join('\n');
  return htmlPage('overparam: lazy training and feature learning', `<h1>Lazy training and feature learning</h1>
<p>f(x) = α·m^(−γ)·Σ_r a_r relu(w_rᵀx) trained by gradient descent on (1/(2α²))·Σ(f − y)² with the step η·m^(2γ−1)
(DESIGN §7.1): the tangent dynamics are the same for every α and γ, the weights move O(m^(γ−1)/α) each
(Chizat, Oyallon &amp; Bach, NeurIPS 2019). Large α: lazy, the net stays its linearisation; small α and γ = 1: features change.</p>
<h2>Settings</h2>
${settingsTable(settings)}
${checksSection(checks)}
<h2>Runs (at the last step K)</h2>
<table>
<tr><th>α</th><th>γ</th><th>m</th><th>status</th><th>‖H(K)−H(0)‖₂/‖H(0)‖₂</th><th>‖W(K)−W(0)‖_F/‖W(0)‖_F</th><th>movement·α</th>
<th>patterns changed</th><th>held-out gap (relative)</th><th>‖y−u(K)‖²</th><th>linearised ‖y−u_lin(K)‖²</th></tr>
${runRows}
</table>
<h2>Charts</h2>
${figuresHtml(charts)}
<h2>Files</h2>
${filesList(file.files)}`);
}

/** Writes results.json (last), the CSVs, the SVG charts and report.html; returns the file names. */
export async function writeRegimeOutputs(dir: string, payload: Omit<RegimesResultsFile, 'files'>): Promise<string[]> {
  const charts = regimeCharts(payload.result);
  return writeOutputFiles(dir, {
    csvs: csvs(payload.result), charts,
    report: (files) => regimesReportHtml({ ...payload, files }, charts),
    results: (files) => ({ ...payload, files }),
  });
}

/** `overparam regimes …`: exit 0 when every decided check passes, 3 when one fails, 2 on a bad command line. */
export async function regimesCommand(argv: string[]): Promise<number> {
  const { help, ...settings } = parseRegimesArgs(argv);
  if (help) {
    console.log(REGIMES_USAGE);
    return EXIT.ok;
  }
  checkOutputDirectory(settings.out);
  console.log(`overparam regimes: n = ${settings.n}, d = ${settings.d}, α ∈ {${settings.alphas.join(', ')}}, γ ∈ {${settings.gammas.join(', ')}}, ` +
    `m ∈ {${settings.widths.join(', ')}}, ${settings.steps} steps, seed ${settings.seed} → ${settings.out}`);
  await init();
  const startedAt = new Date();
  // One line per finished run (the sweep runs on this thread, so a live bar could not redraw).
  const result = regimeSweep({
    ...settings,
    onProgress: (p) => {
      if (p.phase === 'train' && p.step === p.steps) {
        console.log(`finished α = ${p.alpha}, γ = ${p.gamma}, m = ${p.m} (${Math.round((100 * p.completed) / p.total)}%, ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const s = result.stepSize;
  console.log(`step size η = ${formatNumber(s.eta)} (${s.source === 'given' ? 'given' : `derived: ¼ · 2/λ_max(H(0)), λ_max = ${formatNumber(s.suggestion.lambdaMax)}`}); ` +
    `stability limit 2/λ_max = ${formatNumber(s.suggestion.largestStableEta)}`);
  for (const r of result.runs) {
    console.log(`α = ${r.alpha}, γ = ${r.gamma}, m = ${r.m}: ${r.status}; kernel change ${format(r.kernelChange)}, movement ${format(r.weightMovement)} ` +
      `(·α = ${format(r.weightMovement * r.alpha)}), patterns ${format(r.patternChangeFraction)}, held-out gap ${format(r.testGapRelative)}`);
  }
  for (const f of result.widthFits.filter((w) => w.alpha === result.referenceAlpha)) {
    console.log(`slope against m of ${f.quantity} at γ = ${f.gamma}, α = ${f.alpha}: ${format(f.fit.slope)} (m^(γ−1): ${f.predictedSlope})`);
  }
  const checks = regimeChecks(result);
  const decided = checks.filter((c) => c.passed !== null);
  console.log(`checks: ${decided.filter((c) => c.passed).length} of ${decided.length} pass`);
  for (const c of checks) console.log(`  ${c.passed === null ? '–' : c.passed ? '✓' : '✗'} ${c.claim} [${c.source}]: ${c.detail}`);
  const files = await writeRegimeOutputs(settings.out, {
    command: 'regimes', settings, environment: environment(), startedAt: startedAt.toISOString(),
    wallSeconds: (Date.now() - startedAt.getTime()) / 1000, status: result.status, checks, result,
  });
  console.log(`wrote ${files.length} files to ${path.resolve(settings.out)}: ${files.join(', ')}`);
  const failed = checks.filter((c) => c.passed === false);
  if (failed.length > 0) {
    console.log(`exit ${EXIT.checkFailed}: ${failed.length} check(s) failed: ${failed.map((c) => c.id).join(', ')}`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}
