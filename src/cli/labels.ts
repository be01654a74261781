// `overparam labels` (issue 15 §3): Arora, Du, Hu, Li, Wang (ICML 2019), Section 6, on the UCI
// optical digits shipped with the package: labelNoiseSweep for each fraction p of random labels,
// printed, and written as results.json, CSVs, SVG charts and report.html. Runs on the main thread
// (Ctrl-C stops the process at once; the files are written only at the end).
import path from 'node:path';
import * as Plot from '@observablehq/plot';
import { init, loadDigits } from '../index.js';
import { labelNoiseSweep, type Figure1Check, type LabelNoiseResult, type LabelNoiseRun } from '../experiments/index.js';
import { formatNumber } from '../experiments/format.js';
import { LABELS_USAGE, parseLabelsArgs, type LabelsSettings } from './args.js';
import { axis, DASH, renderSvg, THEORY_GREY, type Chart, type LegendEntry } from './charts.js';
import { toCsv } from './csv.js';
import { environment, type Environment } from './results.js';
import { checkOutputDirectory, writeOutputFiles } from './files.js';
import { checksSection, escapeHtml, figuresHtml, filesList, htmlPage, settingsTable } from './html.js';

/** Exit codes, as figure1's (src/cli/commands.ts EXIT): 0 all decided checks pass, 1 error, 2 usage, 3 a check failed. */
const EXIT = { ok: 0, error: 1, usage: 2, checkFailed: 3 } as const;

/** The contents of `overparam labels`' results.json. */
export interface LabelsResultsFile {
  command: 'labels';
  settings: LabelsSettings;
  environment: Environment;
  startedAt: string;
  wallSeconds: number;
  status: LabelNoiseResult['status'];
  checks: Figure1Check[];
  result: LabelNoiseResult;
  files: string[];
}

const format = (v: number, digits = 3) => formatNumber(v, digits);

function finalTest(run: LabelNoiseRun): number {
  const v = run.testError.value;
  return v.length > 0 ? v[v.length - 1] : NaN;
}

/** The CSVs: curves in long format (one row per p and step), the spectrum, the modes and a per-p summary. */
function labelsCsvs(result: LabelNoiseResult): { file: string; text: string }[] {
  const { runs } = result;
  return [
    {
      file: 'summary.csv',
      text: toCsv(['p', 'replaced', 'changed', 'bound', 'distance_lemma53', 'distance_kernel_at_K', 'measured_distance', 'relative_residual_at_K',
        'train_error', 'test_error', 'top10pct_share', 'steps_run', 'status'],
      runs.map((r) => [r.p, r.replaced, r.changed, r.bound, r.distance, r.distanceAtK, r.measuredDistance, r.relativeResidual,
        r.trainError, finalTest(r), r.topShare, r.stepsRun, r.status])),
    },
    {
      file: 'training-error.csv',
      text: toCsv(['p', 'step', 'residual_sq', 'theorem41_small_init'], runs.flatMap((r) => r.residualSq.map((v, k) => [r.p, k, v, r.predictedResidualSq[k]]))),
    },
    {
      file: 'test-error.csv',
      text: toCsv(['p', 'step', 'test_error'], runs.flatMap((r) => r.testError.step.map((k, i) => [r.p, k, r.testError.value[i]]))),
    },
    {
      file: 'label-spectrum.csv',
      text: toCsv(['p', 'mode', 'eigenvalue', 'energy', 'cumulative_share'],
        runs.flatMap((r) => r.spectrum.energy.map((e, i) => [r.p, i, result.eigenvalues[i], e, r.spectrum.cumulativeShare[i]]))),
    },
    {
      file: 'modes.csv',
      text: toCsv(['p', 'step', 'mode', 'eigenvalue', 'measured', 'kernel_regime'],
        runs.flatMap((r) => r.modes.steps.flatMap((k, s) => r.modes.modes.map((mode, j) => [r.p, k, mode, r.modes.eigenvalues[j], r.modes.measured[s][j], r.modes.predicted[s][j]])))),
    },
    {
      file: 'mode-rates.csv',
      text: toCsv(['p', 'mode', 'eigenvalue', 'kernel_regime_factor', 'fitted_factor', 'points'],
        runs.flatMap((r) => r.rates.map((q) => [r.p, q.mode, q.eigenvalue, q.predicted, q.fitted, q.points]))),
    },
  ];
}

const pLabel = (p: number) => `p = ${p}`;

/** The charts of the experiment, each run coloured by p. */
export function labelsCharts(result: LabelNoiseResult): Chart[] {
  const { runs } = result;
  if (runs.length === 0) return [];
  const scale = Plot.scale({ color: { type: 'ordinal', scheme: 'tableau10', domain: runs.map((r) => pLabel(r.p)) } });
  const colour = (row: { p: number } | number) => String(scale.apply(pLabel(typeof row === 'number' ? row : row.p)));
  const perP: LegendEntry[] = runs.map((r) => ({ label: pLabel(r.p), color: colour(r.p), style: 'solid' }));
  const subtitle = `digits, n = ${result.n}, m = ${result.m}, η = ${format(result.eta)}, ${result.steps} GD steps, a(0) ${result.outputInit}, λ0 = ${format(result.lambda0)}`;

  const curve = runs.flatMap((r) => r.residualSq.map((value, k) => ({ p: r.p, k, value }))).filter((d) => d.value > 0);
  const theory = runs.flatMap((r) => r.predictedResidualSq.map((value, k) => ({ p: r.p, k, value }))).filter((d) => d.value > 0);
  const training: Chart = {
    file: 'labels-training-error.svg',
    title: 'Training error for each fraction p of random labels (log scale)',
    caption: 'Solid: ‖y − u(k)‖² measured. Dotted: Arora et al.\'s Theorem 4.1 for u(0) = 0, Σ_i (1 − ηλ_i)^(2k)(v_iᵀy)². ' +
      'True labels (p = 0) are fitted fastest; random labels put their energy on the small eigenvalues and are fitted slowly.',
    svg: renderSvg({
      x: axis('iteration k'), y: axis('training error ‖y − u(k)‖²', { log: true }),
      marks: [
        Plot.line(theory, { x: 'k', y: 'value', z: 'p', stroke: colour, strokeDasharray: DASH.dotted, strokeWidth: 2 }),
        Plot.line(curve, { x: 'k', y: 'value', z: 'p', stroke: colour, strokeWidth: 2 }),
      ],
    }, { title: 'Training with random labels', subtitle, legend: [...perP, { label: 'measured', color: THEORY_GREY, style: 'solid' }, { label: 'Thm 4.1 (Arora et al.)', color: THEORY_GREY, style: 'dotted' }] }),
  };

  const share = runs.flatMap((r) => r.spectrum.cumulativeShare.map((value, i) => ({ p: r.p, i: i + 1, value })));
  const spectrum: Chart = {
    file: 'labels-spectrum.svg',
    title: 'Label spectrum: the share of ‖y‖² in the top modes of H∞',
    caption: 'Σ_{j ≤ i}(v_jᵀy)²/‖y‖² against i, eigenvalues descending. True labels sit in the top modes; random labels spread evenly.',
    svg: renderSvg({
      x: axis('modes i (eigenvalues descending)', { log: true }), y: axis('cumulative share of ‖y‖²', { zero: true }),
      marks: [Plot.line(share, { x: 'i', y: 'value', z: 'p', stroke: colour, strokeWidth: 2 })],
    }, { title: 'Label spectrum', subtitle, legend: perP }),
  };

  const tests = runs.flatMap((r) => r.testError.step.map((k, s) => ({ p: r.p, k, value: r.testError.value[s] })));
  const testChart: Chart = {
    file: 'labels-test-error.svg',
    title: 'Test error along training',
    caption: `0–1 error of sign(f) on ${result.nTest} held-out digits (other writers) at the recorded steps.`,
    svg: renderSvg({
      x: axis('iteration k'), y: axis('test error (%)', { percent: true, zero: true }),
      marks: [Plot.line(tests, { x: 'k', y: 'value', z: 'p', stroke: colour, strokeWidth: 2 })],
    }, { title: 'Test error', subtitle, legend: perP }),
  };

  const generalisation = runs.flatMap((r) => [
    { p: r.p, value: r.bound, series: 'bound √(2yᵀ(H∞)⁻¹y/n)' },
    { p: r.p, value: finalTest(r), series: 'test error at K' },
  ]).filter((d) => d.value > 0);
  const bound: Chart = {
    file: 'labels-bound.svg',
    title: 'Generalisation bound and test error against p (log scale)',
    caption: 'Arora et al.\'s Theorem 5.1, leading term √(2yᵀ(H∞)⁻¹y/n) (above 1, so vacuous as a number, as in their Figure 2), ' +
      'and the measured test error after the K steps: the bound orders the runs as the test error does.',
    svg: renderSvg({
      x: axis('fraction p of random labels', { inset: 12 }), y: axis('value', { log: true, inset: 12 }),
      marks: [
        Plot.line(generalisation, { x: 'p', y: 'value', z: 'series', stroke: (d: { series: string }) => d.series.startsWith('bound') ? '#222' : '#d62728', strokeWidth: 2 }),
        Plot.dot(generalisation, { x: 'p', y: 'value', fill: (d: { series: string }) => d.series.startsWith('bound') ? '#222' : '#d62728', r: 4 }),
      ],
    }, { title: 'Bound and test error', subtitle, legend: [{ label: 'bound √(2yᵀ(H∞)⁻¹y/n)', color: '#222', style: 'solid' }, { label: 'test error at K', color: '#d62728', style: 'solid' }] }),
  };

  const distances = runs.flatMap((r) => [
    { p: r.p, value: r.measuredDistance, series: 'measured' },
    { p: r.p, value: r.distanceAtK, series: 'kernel regime at K' },
    { p: r.p, value: r.distance, series: 'Lemma 5.3' },
  ]);
  const stroke = { measured: '#222', 'kernel regime at K': '#1f77b4', 'Lemma 5.3': THEORY_GREY } as Record<string, string>;
  const distance: Chart = {
    file: 'labels-distance.svg',
    title: 'Distance from initialisation ‖W(K) − W(0)‖_F against p',
    caption: 'Measured ‖W(K) − W(0)‖_F; the kernel regime after the same K steps, √(Σ_i (1 − (1 − ηλ_i)^K)² p_i(0)²/λ_i); ' +
      'and Lemma 5.3\'s √(yᵀ(H∞)⁻¹y), the distance after training to convergence.',
    svg: renderSvg({
      x: axis('fraction p of random labels', { inset: 12 }), y: axis('‖W − W(0)‖_F', { zero: true }),
      marks: [
        Plot.line(distances.filter((d) => d.series !== 'measured'), { x: 'p', y: 'value', z: 'series', stroke: (d: { series: string }) => stroke[d.series], strokeWidth: 2, strokeDasharray: DASH.dashed }),
        Plot.line(distances.filter((d) => d.series === 'measured'), { x: 'p', y: 'value', stroke: stroke.measured, strokeWidth: 2 }),
        Plot.dot(distances, { x: 'p', y: 'value', fill: (d: { series: string }) => stroke[d.series], r: 3.5 }),
      ],
    }, { title: 'Distance travelled', subtitle, legend: [
      { label: 'measured', color: stroke.measured, style: 'solid' },
      { label: 'kernel regime at K', color: stroke['kernel regime at K'], style: 'dashed' },
      { label: 'Lemma 5.3: √(yᵀ(H∞)⁻¹y)', color: stroke['Lemma 5.3'], style: 'dashed' },
    ] }),
  };
  return [training, bound, distance, spectrum, testChart];
}

/** The per-p table's rows: p, bound, distances, errors. */
function perPRows(result: LabelNoiseResult): string[][] {
  return result.runs.map((r) => [String(r.p), `${r.replaced} (${r.changed} changed)`, format(r.bound), format(r.distance), format(r.distanceAtK),
    format(r.measuredDistance), format(r.relativeResidual), format(r.trainError), format(finalTest(r)), format(r.topShare)]);
}

const PER_P_HEADER = ['p', 'labels replaced', 'bound √(2yᵀH⁻¹y/n)', 'Lemma 5.3 √(yᵀH⁻¹y)', 'kernel distance at K', 'measured ‖W−W(0)‖_F',
  '‖y−u(K)‖²/‖y−u(0)‖²', 'train error', 'test error', 'share of ‖y‖² in top 10 % modes'];

/** report.html: settings, the checks with their numbers, the per-p table and the charts inlined. */
export function labelsReportHtml(results: LabelsResultsFile, charts: Chart[]): string {
  const { result, checks, settings, environment: env } = results;
  const settingsRows: [string, string][] = [
    ['data', `UCI optical digits, task ${settings.task === 'evenOdd' ? 'even vs odd' : `${settings.task[0]} vs ${settings.task[1]}`}; ` +
      `n = ${result.n} training rows (of the training file), ${result.nTest} test rows (the test file: other writers), unit-norm rows in R^${result.d}`],
    ['label noise', `fractions p = ${settings.noise.join(', ')} of the labels replaced by random ±1 (nested: a label random at p is random, with the same value, at larger p)`],
    ['network', `m = ${result.m}, w_r(0) ~ N(0, I), a(0) ${result.outputInit}${result.outputInit === 'symmetric' ? ' (u(0) = 0 exactly)' : ''}, a fixed`],
    ['GD', `${result.steps} steps, η = ${format(result.eta, 4)} (${result.etaSource === 'given' ? 'given' : '1/λ_max(H∞), half the stability limit'})`],
    ['H∞', `λ0 = λ_min = ${format(result.lambda0, 4)}, λ_max = ${format(result.lambdaMax, 4)}`],
    ['status', results.status],
    ['wall time', `${results.wallSeconds.toFixed(1)} s, started ${results.startedAt}`],
    ['software', `overparam ${env.overparam}, Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}`],
  ];
  const table = `<tr>${PER_P_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>\n` +
    perPRows(result).map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return htmlPage('overparam: label noise and generalisation (Arora et al., ICML 2019)', `<h1>Label noise and generalisation: Arora, Du, Hu, Li, Wang (ICML 2019), Section 6</h1>
<p><em>Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks</em>:
the network f(W, a, x) = (1/√m) Σ_r a_r relu(w_rᵀx) trained by gradient descent on ½‖y − u‖², once for each fraction p of random labels.</p>
<h2>Settings</h2>
${settingsTable(settingsRows)}
${checksSection(checks)}
<h2>Per fraction p</h2>
<table>
${table}
</table>
<p>K is the last step. The bound's leading term is above 1 here, as in Arora et al.'s own Figure 2: it is the ordering it gives that the checks compare.</p>
<h2>Charts</h2>
${figuresHtml(charts)}
<h2>Files</h2>
${filesList(results.files)}`);
}

/** Writes results.json (last: its presence means the rest is complete), the CSVs, the charts and report.html; returns the file names. */
export async function writeLabelsOutputs(dir: string, payload: Omit<LabelsResultsFile, 'files'>): Promise<string[]> {
  const charts = labelsCharts(payload.result);
  return writeOutputFiles(dir, {
    csvs: labelsCsvs(payload.result), charts,
    report: (files) => labelsReportHtml({ ...payload, files }, charts),
    results: (files) => ({ ...payload, files }),
  });
}

/** `overparam labels …`: the label-noise experiment on the digits; returns the exit code (3 when a check fails). */
export async function labelsCommand(argv: string[]): Promise<number> {
  const { help, ...settings } = parseLabelsArgs(argv);
  if (help) { console.log(LABELS_USAGE); return EXIT.ok; }
  checkOutputDirectory(settings.out);
  const startedAt = new Date();
  await init();
  const data = await loadDigits({ task: settings.task, n: settings.n, nTest: settings.nTest, seed: settings.seed });
  console.log(`overparam labels: digits (${settings.task === 'evenOdd' ? 'even vs odd' : settings.task.join(' vs ')}), n = ${data.y.length}, ` +
    `${data.test.y.length} test rows, m = ${settings.m}, ${settings.steps} steps, noise ${settings.noise.join(', ')} → ${settings.out}`);
  const result = labelNoiseSweep({
    data, noise: settings.noise, m: settings.m, steps: settings.steps, eta: settings.eta, seed: settings.seed,
    onRun: (r) => console.log(`p = ${r.p}: ‖y−u‖² ${format(r.residualSq[0])} → ${format(r.residualSq[r.stepsRun])} in ${r.stepsRun} steps; ` +
      `bound ${format(r.bound)}; ‖W−W(0)‖_F ${format(r.measuredDistance)} (kernel regime at K ${format(r.distanceAtK)}, Lemma 5.3 ${format(r.distance)}); ` +
      `test error ${format(finalTest(r))}`),
  });
  console.log(`step size η = ${format(result.eta, 4)} (${result.etaSource === 'given' ? 'given' : '1/λ_max(H∞)'}); λ0 = ${format(result.lambda0, 4)}, λ_max(H∞) = ${format(result.lambdaMax, 4)}`);
  const decided = result.checks.filter((c) => c.passed !== null);
  console.log(`checks: ${decided.filter((c) => c.passed).length} of ${decided.length} pass`);
  for (const c of result.checks) console.log(`  ${c.passed === null ? '–' : c.passed ? '✓' : '✗'} ${c.claim} [${c.source}]: ${c.detail}`);
  const files = await writeLabelsOutputs(settings.out, {
    command: 'labels', settings, environment: environment(), startedAt: startedAt.toISOString(),
    wallSeconds: (Date.now() - startedAt.getTime()) / 1000, status: result.status, checks: result.checks, result,
  });
  console.log(`wrote ${files.length} files to ${path.resolve(settings.out)}: ${files.join(', ')}`);
  const failed = result.checks.filter((c) => c.passed === false);
  if (failed.length > 0) {
    console.log(`exit ${EXIT.checkFailed}: ${failed.length} check(s) failed: ${failed.map((c) => c.id).join(', ')}`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}
