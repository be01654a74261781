// What `overparam width` and `overparam merge` write: results.json, the CSVs, the critical-width
// chart and report.html, all from the grid and the per-n points alone, so that an unsharded run and
// a merge of shards produce the same bytes. Nothing here may depend on the machine, the clock or
// the split: wall times and versions go to the timing files (width.ts, merge.ts).
import * as Plot from '@observablehq/plot';
import { fitPowerLawWithInterval, type CriticalWidthPoint, type PowerLawFitWithInterval } from '../experiments/index.js';
import { formatNumber } from '../experiments/format.js';
import { axis, DASH, renderSvg, type Chart, type LegendEntry } from './charts.js';
import { toCsv } from './csv.js';
import type { WidthGrid } from './widthArgs.js';
import { toJson, writeOutputFiles } from './files.js';
import { escapeHtml, figuresHtml, filesList, htmlPage } from './html.js';

/** The contents of results.json for `overparam width`. */
export interface WidthResultsFile {
  command: 'width';
  grid: WidthGrid;
  /** One point per n, in the order of grid.n. */
  points: CriticalWidthPoint[];
  /** m* ∝ n^p over the n with an m* (two or more). */
  fit?: PowerLawFitWithInterval;
  files: string[];
}

/**
 * The points as they read back from JSON (Infinity and NaN become null), so that the files written
 * from a run and from its shards' JSON are built from identical values.
 */
export function normalisePoints(points: CriticalWidthPoint[]): CriticalWidthPoint[] {
  return JSON.parse(toJson(points)) as CriticalWidthPoint[];
}

/** Short legend labels of the requirements (ids from widthRequirements). */
const SHORT: Record<string, string> = {
  theorem31: 'Thm 3.1: n⁶/λ0⁴',
  theorem41: 'Thm 4.1: n⁶/(λ0⁴δ³)',
  lemma31: 'Lem 3.1: n² log²(n/δ)/λ0²',
  'lemma31-proof': 'Lem 3.1, proof: 256×',
  lemma34: 'Lem 3.4: n⁵‖r0‖²/λ0⁴',
  'lemma34-proof': 'Lem 3.4, proof: 512/(πδ²)×',
  'corollary41-proof': 'Cor 4.1 + Lem 3.2 (GD), proof',
  'seed004-init': 'seed 004: n⁴/ε²',
  'seed004-dynamics': 'seed 004: n⁶t²/ε²',
  quadratic: 'n²: Oymak–S.; Song–Yang',
  subquadratic: 'n^(3/2): Song et al. 2021',
  nd: 'nd: Nguyen–Wong–Hegde',
};

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#8c564b'];

const format = (v: number) => formatNumber(v, 3);

function requirementIds(points: CriticalWidthPoint[]): string[] {
  const ids: string[] = [];
  for (const p of points) for (const r of p.requirements) if (!ids.includes(r.id)) ids.push(r.id);
  return ids;
}

/**
 * A log axis's domain: from the power of ten strictly below the smallest value to the one strictly
 * above the largest, so that no mark sits on an edge (Plot's own domain is the data's extent).
 */
export function decadeDomain(values: number[]): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return [1, 10];
  const lo = Math.min(...v), hi = Math.max(...v);
  const below = 10 ** Math.floor(Math.log10(lo)), above = 10 ** Math.ceil(Math.log10(hi));
  return [below < lo ? below : below / 10, above > hi ? above : above * 10];
}

/** Powers of ten across a decade domain, every decade or every k-th one (at most 12), from its bottom: the smallest m* gets a labelled tick below it. */
function decadeTicks([lo, hi]: [number, number]): number[] {
  const first = Math.round(Math.log10(lo)), last = Math.round(Math.log10(hi));
  const step = Math.max(1, Math.ceil((last - first) / 12));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) ticks.push(10 ** e);
  return ticks;
}

/** The log-log chart: m* against n, the fit, and every theoretical requirement as a line. */
export function criticalWidthChart(grid: WidthGrid, points: CriticalWidthPoint[], fit: PowerLawFitWithInterval | undefined): Chart {
  const found = points.filter((p) => p.criticalWidth !== null);
  const ids = requirementIds(points);
  const colour = (id: string) => PALETTE[ids.indexOf(id) % PALETTE.length];
  const rows = points.flatMap((p) => p.requirements.filter((r) => r.value > 0 && Number.isFinite(r.value))
    .map((r) => ({ n: p.n, value: r.value, id: r.id, proof: !r.constantsTakenAsOne })));
  const ns = points.map((p) => p.n);
  const fitRows = fit ? [Math.min(...ns), Math.max(...ns)].map((n) => ({ n, value: fit.prefactor * n ** fit.slope })) : [];
  const legend: LegendEntry[] = [
    { label: 'measured m*', color: '#111', style: 'solid' },
    ...(fit ? [{ label: `fit: m* ∝ n^${format(fit.slope)}`, color: '#111', style: 'dotted' as const }] : []),
    ...ids.map((id) => ({
      label: SHORT[id] ?? id, color: colour(id),
      style: points.some((p) => p.requirements.some((r) => r.id === id && !r.constantsTakenAsOne)) ? 'dotted' as const : 'dashed' as const,
    })),
  ];
  const dTitle = grid.d === 'n' ? 'd = n' : `d = ${grid.d}`;
  const yDomain = decadeDomain([...found.map((p) => p.criticalWidth!), ...rows.map((r) => r.value), ...fitRows.map((r) => r.value)]);
  const svg = renderSvg({
    x: axis('number of points n', { log: true }),
    // Every measured m* and every requirement line inside, off the edges (m* ≈ 30–50 sat on the bottom edge).
    y: { ...axis('width m', { log: true }), domain: yDomain, ticks: decadeTicks(yDomain) },
    marks: [
      ...ids.map((id) => Plot.line(rows.filter((r) => r.id === id), {
        x: 'n', y: 'value', stroke: colour(id), strokeWidth: 1.5,
        strokeDasharray: rows.some((r) => r.id === id && r.proof) ? DASH.dotted : DASH.dashed,
      })),
      Plot.line(fitRows, { x: 'n', y: 'value', stroke: '#111', strokeWidth: 1.2, strokeDasharray: DASH.dotted }),
      Plot.line(found, { x: 'n', y: 'criticalWidth', stroke: '#111', strokeWidth: 2 }),
      Plot.dot(found, { x: 'n', y: 'criticalWidth', fill: '#111', r: 4 }),
    ],
  }, {
    title: 'How wide is wide enough: m* against n, and what the theory asks for',
    subtitle: `${dTitle}, ${grid.steps} GD steps at η = 1/(2λ_max(H∞)), ${grid.trials} trials, δ = ${grid.delta}` +
      (fit ? `; fit p = ${format(fit.slope)} [${format(fit.slopeInterval[0])}, ${format(fit.slopeInterval[1])}] (95%)` : ''),
    legend,
  });
  return {
    file: 'critical-width.svg',
    title: 'Critical width m* against n',
    caption: 'Solid: the smallest width m* at which at least 90% of the trials keep λ_min(H(k)) ≥ λ0/2 and ' +
      '‖y − u(k)‖² ≤ (1 − ηλ0/2)^k‖y − u(0)‖² for every k ≤ K (Theorem 4.1\'s conclusions). Dotted black: the fitted power law. ' +
      'Dashed: each width the seeds state, its unstated constant taken as 1; coloured dotted: the widths the paper\'s proofs give with their constants.',
    svg,
  };
}

function csvFiles(points: CriticalWidthPoint[]): { file: string; text: string }[] {
  return [
    {
      file: 'critical-width.csv',
      text: toCsv(['n', 'd', 'lambda0', 'lambda_max_infinity', 'eta', 'critical_width', 'failing_width', 'binds', 'widths_tried'],
        points.map((p) => [p.n, p.d, p.lambda0, p.lambdaMaxInfinity, p.eta, p.criticalWidth ?? '', p.failingWidth ?? '', p.binds ?? '', p.evaluations.length])),
    },
    {
      file: 'evaluations.csv',
      text: toCsv(['n', 'm', 'passed', 'trials', 'passes', 'gram_failures', 'rate_failures', 'lowest_gram_ratio', 'worst_rate_ratio', 'initial_residual_sq'],
        points.flatMap((p) => p.evaluations.map((e) => [p.n, e.m, e.passed, e.trials, e.passes ? 1 : 0, e.gramFailures, e.rateFailures,
          e.lowestGramRatio ?? '', e.worstRateRatio ?? '', e.initialResidualSq]))),
    },
    {
      file: 'requirements.csv',
      text: toCsv(['n', 'id', 'source', 'formula', 'value', 'constants_taken_as_one', 'measured_critical_width'],
        points.flatMap((p) => p.requirements.map((r) => [p.n, r.id, `"${r.source.replace(/"/g, '""')}"`, r.formula, r.value, r.constantsTakenAsOne ? 1 : 0, p.criticalWidth ?? '']))),
    },
  ];
}

function reportHtml(results: WidthResultsFile, chart: Chart): string {
  const { grid, points, fit } = results;
  const ids = requirementIds(points);
  const pointRows = points.map((p) => {
    const failing = p.evaluations.find((e) => e.m === p.failingWidth);
    return `<tr><td>${p.n}</td><td>${p.d}</td><td>${format(p.lambda0)}</td><td>${format(p.eta)}</td>` +
      `<td>${p.criticalWidth ?? `none up to ${grid.maxWidth}`}</td><td>${p.failingWidth ?? '—'}</td><td>${p.binds ?? '—'}</td>` +
      `<td>${failing ? `${failing.gramFailures} / ${failing.rateFailures} of ${failing.trials}` : '—'}</td><td>${p.evaluations.length}</td></tr>`;
  }).join('\n');
  const requirementHeader = ids.map((id) => {
    const r = points.flatMap((p) => p.requirements).find((q) => q.id === id)!;
    return `<th>${escapeHtml(r.formula)}<br><small>${escapeHtml(r.source)}${r.constantsTakenAsOne ? ' (constants as 1)' : ''}</small></th>`;
  }).join('');
  const requirementRows = points.map((p) => `<tr><td>${p.n}</td><td>${p.criticalWidth ?? '—'}</td>` + ids.map((id) => {
    const r = p.requirements.find((q) => q.id === id);
    return `<td>${r ? format(r.value) : '—'}</td>`;
  }).join('') + '</tr>').join('\n');
  const fitText = fit
    ? `m* ≈ ${format(fit.prefactor)} · n^${format(fit.slope)}; 95% interval for the exponent [${format(fit.slopeInterval[0])}, ${format(fit.slopeInterval[1])}] ` +
      `(standard error ${format(fit.slopeStandardError)}, ${fit.points} points, R² = ${format(fit.rSquared)})`
    : 'no fit (needs an m* at two or more n)';
  return htmlPage('overparam: how wide is wide enough', `<h1>How wide is wide enough?</h1>
<p>For each n, the smallest width m* at which at least ${grid.passFraction * 100}% of ${grid.trials} trials meet Theorem 4.1's conclusions
(Du, Zhai, Póczos, Singh, ICLR 2019) for K = ${grid.steps} steps at η = 1/(2λ_max(H∞)): λ_min(H(k)) ≥ λ0/2 at every k checked
(every ${grid.gramEvery} step${grid.gramEvery === 1 ? '' : 's'}) and ‖y − u(k)‖² ≤ (1 − ηλ0/2)^k‖y − u(0)‖² at every k. Search: doubling from m = n,
then bisection in log m to ${grid.relativeTolerance * 100}%. Data: n points uniform on the unit sphere in R^d (${grid.d === 'n' ? 'd = n' : `d = ${grid.d}`}),
labels N(0, 1), seed ${grid.seed}; trial t's networks use seed ${grid.seed} + 1 + t.</p>
<h2>Fit</h2>
<p>${escapeHtml(fitText)}</p>
<h2>Per n</h2>
<table>
<tr><th>n</th><th>d</th><th>λ0</th><th>η</th><th>m*</th><th>largest failing m</th><th>binds</th><th>failures there (λ_min / rate)</th><th>widths tried</th></tr>
${pointRows}
</table>
<h2>What the theory asks for (δ = ${grid.delta})</h2>
<table>
<tr><th>n</th><th>measured m*</th>${requirementHeader}</tr>
${requirementRows}
</table>
${figuresHtml([chart])}
<p>Wall times and versions are in the timing files beside this report, not here: this page and results.json are the same
bytes whether the sweep ran in one process or in shards merged with <code>overparam merge</code>.</p>
<h2>Files</h2>
${filesList(results.files)}`);
}

/** The fit over the points with an m* (at two or more distinct n). */
export function fitOf(points: CriticalWidthPoint[]): PowerLawFitWithInterval | undefined {
  const found = points.filter((p) => p.criticalWidth !== null);
  return new Set(found.map((p) => p.n)).size >= 2
    ? fitPowerLawWithInterval(found.map((p) => p.n), found.map((p) => p.criticalWidth!))
    : undefined;
}

/**
 * Writes results.json, the CSVs, critical-width.svg and report.html for the grid's points (ordered
 * as grid.n) into `dir`; returns the file names. The same inputs give the same bytes.
 */
export async function writeWidthOutputs(dir: string, grid: WidthGrid, rawPoints: CriticalWidthPoint[]): Promise<string[]> {
  const order = new Map(grid.n.map((n, i) => [n, i]));
  const points = normalisePoints([...rawPoints].sort((a, b) => order.get(a.n)! - order.get(b.n)!));
  const fit = fitOf(points);
  const chart = criticalWidthChart(grid, points, fit);
  const resultsFile = (files: string[]): WidthResultsFile => ({ command: 'width', grid, points, ...(fit ? { fit } : {}), files });
  return writeOutputFiles(dir, {
    csvs: csvFiles(points), charts: [chart],
    report: (files) => reportHtml(resultsFile(files), chart),
    results: resultsFile,
  });
}

/** The contents of shard-<i>-of-<N>.json: one share's points and the grid they belong to. */
export interface WidthShardFile {
  format: 'overparam-width-shard/1';
  grid: WidthGrid;
  shard: { index: number; count: number };
  /** The n values of this share (positions index, index + count, … of grid.n). */
  n: number[];
  points: CriticalWidthPoint[];
}

/** The shard file's name. */
export function shardFileName(shard: { index: number; count: number }): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

/** The timing file's name (wall times, versions, machine: everything that may differ between runs). */
export function timingFileName(shard: { index: number; count: number }): string {
  return `timing-${shard.index}-of-${shard.count}.json`;
}
