// `overparam optimizers`: Figure 1 for each optimiser (issue 13 §2, §4): one net per optimiser from
// the same W(0), the four curves beside the kernel regime's prediction, SGD's spread over seeds;
// results.json, CSVs, four SVG charts and report.html with the checks. Runs on the main thread
// (the default takes well under a minute of CPU); it stops at the AbortSignal of the API.
import path from 'node:path';
import * as Plot from '@observablehq/plot';
import { init, sphereData } from '../index.js';
import {
  optimizerComparison, optimizerComparisonChecks, RATE_FLOOR, trainingGramFloor,
  type ComparedOptimizer, type Figure1Check, type OptimizerComparisonResult, type OptimizerComparisonRun,
} from '../experiments/index.js';
import { formatNumber } from '../experiments/format.js';
import { integer, parseFlags, UsageError } from './args.js';
import { axis, DASH, renderSvg, THEORY_GREY, type Chart, type LegendEntry } from './charts.js';
import { EXIT } from './commands.js';
import { toCsv } from './csv.js';
import { checkOutputDirectory, writeOutputFiles } from './files.js';
import { checksSection, escapeHtml, figuresHtml, filesList, htmlPage, settingsTable } from './html.js';
import { environment, type Environment } from './results.js';

/** Settings of `overparam optimizers`. */
export interface OptimizersSettings {
  n: number;
  d: number;
  m: number;
  steps: number;
  /** The --optimizers list as given (parsed into `optimizers`). */
  optimizerList: string;
  optimizers: ComparedOptimizer[];
  /** SGD's batch seeds 0..seeds−1. */
  seeds: number;
  /** Seed of the data; the shared W(0) uses seed + 1. */
  seed: number;
  gramEvery?: number;
  out: string;
}

/** The defaults: n = d = 200, m = 10 000, 100 steps, GD, Polyak's heavy ball, Nesterov β = ½, SGD b = n/4 over 5 seeds. */
export const OPTIMIZERS_DEFAULTS = { n: 200, d: 200, m: 10_000, steps: 100, optimizers: 'gd,polyak,nesterov:0.5,sgd', seeds: 5, seed: 0, out: 'out/optimizers' } as const;

/** `overparam optimizers --help`. */
export const OPTIMIZERS_USAGE = `Usage: overparam optimizers [options]

Figure 1 for each optimiser: trains one ReLU net per optimiser from the same W(0) on points on
the unit sphere (labels N(0, 1)), and draws the training error, the pattern changes, the distance
from W(0) and λ_min(H(k)) per optimiser beside the kernel regime's prediction from H(0)
(DESIGN §7.4); SGD trains once per seed, with its spread and its mean residual against the mean
recursion. Writes results.json, CSVs, four SVG charts and report.html to --out; exit 3 when a
check fails. The runs take the main thread: Ctrl-C stops at once and writes nothing.

Options:
  --optimizers <list>     comma-separated: gd | polyak | momentum:β | nesterov:β | sgd[:b[:momentum]]
                          (default ${OPTIMIZERS_DEFAULTS.optimizers}; sgd's b defaults to n/4).
                          η: GD's best 2/(λ_max + λ0) for gd, Polyak's pair (η*, β*) for polyak,
                          ½ × the optimiser's stability limit for the others (λ's of H(0))
  --n <int>               training points (default ${OPTIMIZERS_DEFAULTS.n})
  --d <int>               input dimension (default ${OPTIMIZERS_DEFAULTS.d})
  --m <int>               width of every net (default ${OPTIMIZERS_DEFAULTS.m})
  --steps <int>           steps per run (default ${OPTIMIZERS_DEFAULTS.steps})
  --seeds <int>           SGD's batch seeds 0..seeds−1 (default ${OPTIMIZERS_DEFAULTS.seeds})
  --seed <int>            seed of the data; W(0) uses seed + 1 (default ${OPTIMIZERS_DEFAULTS.seed})
  --gram-every <int>      record λ_min(H(k)) and SGD's mean residual every this many steps (default steps/10)
  --out <dir>             output directory (default ${OPTIMIZERS_DEFAULTS.out})
  -h, --help              this help`;

/** β in [0, 1) from 'momentum:β'. */
function betaOf(text: string | undefined, entry: string): number {
  const beta = Number(text);
  if (text === undefined || text.trim() === '' || !(beta >= 0 && beta < 1)) {
    throw new UsageError(`--optimizers: '${entry}' needs β in [0, 1) (for example momentum:0.9), got '${text ?? ''}'`);
  }
  return beta;
}

/** @internal Parses --optimizers (n for SGD's default batch n/4 and its range). */
export function parseOptimizerList(list: string, n: number): ComparedOptimizer[] {
  const entries = list.split(',').map((s) => s.trim());
  if (new Set(entries).size !== entries.length) throw new UsageError(`--optimizers must be distinct, got '${list}'`);
  return entries.map((entry): ComparedOptimizer => {
    const [kind, first, second, ...rest] = entry.split(':');
    if (rest.length > 0) throw new UsageError(`--optimizers: too many ':' fields in '${entry}'`);
    switch (kind) {
      case 'gd': case 'polyak':
        if (first !== undefined) throw new UsageError(`--optimizers: '${kind}' takes no parameter, got '${entry}'`);
        return { kind };
      case 'momentum': case 'nesterov':
        if (second !== undefined) throw new UsageError(`--optimizers: '${kind}' takes one parameter β, got '${entry}'`);
        return { kind, beta: betaOf(first, entry) };
      case 'sgd': {
        const batchSize = first === undefined ? Math.max(1, Math.floor(n / 4)) : integer(first, 'optimizers (sgd batch size)', 1)!;
        if (batchSize > n) throw new UsageError(`--optimizers: sgd's batch size must be at most n = ${n}, got ${batchSize}`);
        return { kind, batchSize, ...(second !== undefined ? { momentum: betaOf(second, entry) } : {}) };
      }
      default:
        throw new UsageError(`--optimizers: unknown optimiser '${kind}' (gd, polyak, momentum:β, nesterov:β, sgd[:b[:momentum]])`);
    }
  });
}

/** Parses `optimizers`' arguments; `help: true` when -h/--help was given. */
export function parseOptimizersArgs(argv: string[]): OptimizersSettings & { help: boolean } {
  const options = {
    optimizers: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' }, m: { type: 'string' }, steps: { type: 'string' },
    seeds: { type: 'string' }, seed: { type: 'string' }, 'gram-every': { type: 'string' }, out: { type: 'string' },
  } as const; // -h/--help: parseFlags
  const values = parseFlags(argv, options);
  const str = (key: string) => values[key] as string | undefined;
  const D = OPTIMIZERS_DEFAULTS;
  const n = integer(str('n'), 'n', 1) ?? D.n;
  const optimizerList = str('optimizers') ?? D.optimizers;
  const gramEvery = integer(str('gram-every'), 'gram-every', 1);
  return {
    help: values.help === true,
    n, d: integer(str('d'), 'd', 1) ?? D.d, m: integer(str('m'), 'm', 1) ?? D.m, steps: integer(str('steps'), 'steps', 1) ?? D.steps,
    optimizerList, optimizers: parseOptimizerList(optimizerList, n),
    seeds: integer(str('seeds'), 'seeds', 1) ?? D.seeds, seed: integer(str('seed'), 'seed', 0) ?? D.seed,
    ...(gramEvery !== undefined ? { gramEvery } : {}), out: str('out') ?? D.out,
  };
}

/** The contents of the optimizers command's results.json. */
export interface OptimizersResultsFile {
  command: 'optimizers';
  settings: Omit<OptimizersSettings, 'optimizers'>;
  environment: Environment;
  startedAt: string;
  wallSeconds: number;
  status: OptimizerComparisonResult['status'];
  checks: Figure1Check[];
  result: OptimizerComparisonResult;
  files: string[];
}

const format = (v: number) => formatNumber(v, 3);
const positive = (v: number) => Number.isFinite(v) && v > 0;

/** One colour per optimiser, from Plot's tableau10. */
function colours(result: OptimizerComparisonResult): (label: string) => string {
  const scale = Plot.scale({ color: { type: 'ordinal', scheme: 'tableau10', domain: result.runs.map((r) => r.label) } });
  return (label) => String(scale.apply(label));
}

function subtitle(result: OptimizerComparisonResult): string {
  const p = result.parameters;
  return `n = ${p.n}, d = ${p.d}, m = ${p.m.toLocaleString('en-US')}, ${p.steps} steps, one W(0) (seed ${p.netSeed}); ` +
    `H(0): λ_min ${format(result.initial.lambdaMin)}, λ_max ${format(result.initial.lambdaMax)}; SGD: ${p.seeds.length} seeds`;
}

/** The chart's legend: a line per optimiser, then what solid, dashed and the band mean. */
function legendOf(result: OptimizerComparisonResult, colour: (label: string) => string, extra: LegendEntry[]): LegendEntry[] {
  return [...result.runs.map((r) => ({ label: r.label, color: colour(r.label), style: 'solid' as const })), ...extra];
}

interface Point { k: number; value: number; label: string }

function points(result: OptimizerComparisonResult, curve: (r: OptimizerComparisonRun) => number[], keep: (p: Point) => boolean = () => true): Point[] {
  return result.runs.flatMap((r) => curve(r).map((value, k) => ({ k, value, label: r.label })).filter(keep));
}

/** Figure 1(a) per optimiser: measured ‖y − u(k)‖² solid, the kernel regime dashed, SGD's min–max band over seeds and its ‖ē(k)‖² dots. */
function errorChart(result: OptimizerComparisonResult, colour: (label: string) => string): Chart {
  // Below ~10⁻¹²·‖y − u(0)‖² the prediction is far under float32's floor: cut it there so the axis stays readable.
  const shown = (p: Point) => positive(p.value) && p.value > 1e-12 * result.initial.residualSq;
  const sgd = result.runs.filter((r) => r.sgd);
  const band = sgd.flatMap((r) => r.sgd!.residualSqMin.map((lo, k) => ({ k, lo, hi: r.sgd!.residualSqMax[k], label: r.label })))
    .filter((p) => positive(p.lo));
  const meanResidual = sgd.flatMap((r) => r.sgd!.meanResidual.step.map((k, i) => ({ k, value: r.sgd!.meanResidual.normSq[i], label: r.label })))
    .filter(shown);
  const sameBatches = sgd.flatMap((r) => r.sgd!.sameBatchesResidualSqMean.map((value, k) => ({ k, value, label: r.label }))).filter(shown);
  const fill = (d: { label: string }) => colour(d.label);
  const svg = renderSvg({
    x: axis('iteration k'),
    y: axis('training error ‖y − u(k)‖²', { log: true }),
    marks: [
      Plot.areaY(band, { x: 'k', y1: 'lo', y2: 'hi', z: 'label', fill, fillOpacity: 0.18 }),
      Plot.line(sameBatches, { x: 'k', y: 'value', z: 'label', stroke: fill, strokeDasharray: DASH.dotted, strokeWidth: 2 }),
      Plot.line(points(result, (r) => r.predictedResidualSq, shown), { x: 'k', y: 'value', z: 'label', stroke: fill, strokeDasharray: DASH.dashed, strokeWidth: 1.5 }),
      Plot.line(points(result, (r) => r.curves.residualSq, shown), { x: 'k', y: 'value', z: 'label', stroke: fill, strokeWidth: 2 }),
      Plot.dot(meanResidual, { x: 'k', y: 'value', fill, r: 3 }),
    ],
  }, {
    title: '(a) Training error per optimiser', subtitle: subtitle(result), legend: legendOf(result, colour, [
      { label: 'measured (SGD: seeds\' mean)', color: THEORY_GREY, style: 'solid' },
      { label: 'kernel regime from H(0)', color: THEORY_GREY, style: 'dashed' },
      ...(sgd.length > 0 ? [
        { label: 'SGD: kernel, same batches', color: THEORY_GREY, style: 'dotted' as const },
        { label: 'SGD: ‖mean residual‖²', color: THEORY_GREY, style: 'point' as const },
      ] : []),
    ]),
  });
  return {
    file: 'optimizers-training-error.svg',
    title: '(a) Training error ‖y − u(k)‖² per optimiser (log scale)',
    caption: 'Solid: measured. Dashed: the kernel regime from the same start with H(0) fixed (DESIGN §7.4; for SGD its mean ' +
      'recursion (I − ηH(0))ᵏe(0), the path of E[e(k)]). SGD: the shaded band is the min–max of ‖y − u(k)‖² over the seeds, the ' +
      'solid line their mean, the dotted line the mean of the kernel regime run with each seed\'s own batches, and the dots ‖ē(k)‖², ' +
      'the squared norm of the mean residual over the seeds, which follows the mean recursion (the mean of ‖e‖² stays above it by ' +
      'the seeds\' variance). Curves flatten at float32\'s round-off.',
    svg,
  };
}

/** Figure 1(b) per optimiser. */
function patternChart(result: OptimizerComparisonResult, colour: (label: string) => string): Chart {
  const svg = renderSvg({
    x: axis('iteration k'),
    y: axis('patterns changed since k = 0 (%)', { percent: true }),
    marks: [Plot.ruleY([0]), Plot.line(points(result, (r) => r.curves.patternChangeFraction), { x: 'k', y: 'value', z: 'label', stroke: (d: Point) => colour(d.label), strokeWidth: 2 })],
  }, { title: '(b) Activation pattern changes per optimiser', subtitle: subtitle(result), legend: legendOf(result, colour, []) });
  return {
    file: 'optimizers-pattern-changes.svg',
    title: '(b) Activation patterns changed since initialisation (%)',
    caption: 'Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)}/(nm) for each optimiser (SGD: mean over seeds).',
    svg,
  };
}

/** Figure 1(c) per optimiser. */
function distanceChart(result: OptimizerComparisonResult, colour: (label: string) => string): Chart {
  const svg = renderSvg({
    x: axis('iteration k'),
    y: axis('max_r ‖w_r(k) − w_r(0)‖₂', { log: true }),
    marks: [Plot.line(points(result, (r) => r.curves.maxWeightDistance, (p) => p.k > 0 && positive(p.value)),
      { x: 'k', y: 'value', z: 'label', stroke: (d: Point) => colour(d.label), strokeWidth: 2 })],
  }, { title: '(c) Distance from initialisation per optimiser', subtitle: subtitle(result), legend: legendOf(result, colour, []) });
  return {
    file: 'optimizers-weight-distance.svg',
    title: '(c) Largest distance of a weight vector from its start (log scale)',
    caption: 'max_r ‖w_r(k) − w_r(0)‖₂ for each optimiser (SGD: mean over seeds).',
    svg,
  };
}

/** λ_min(H(k)) per optimiser against λ_min(H(0))/2. */
function gramChart(result: OptimizerComparisonResult, colour: (label: string) => string): Chart {
  const rows = result.runs.flatMap((r) => r.curves.lambdaMinGram.step.map((k, i) => ({ k, value: r.curves.lambdaMinGram.value[i], label: r.label })));
  const floor = trainingGramFloor(result.initial.lambdaMin);
  const fill = (d: Point) => colour(d.label);
  const svg = renderSvg({
    x: axis('iteration k'),
    y: axis('λ_min(H(k))', { zero: true }),
    marks: [
      Plot.ruleY([floor], { stroke: THEORY_GREY, strokeDasharray: DASH.dotted, strokeWidth: 1.2 }),
      Plot.line(rows, { x: 'k', y: 'value', z: 'label', stroke: fill, strokeWidth: 2 }),
      Plot.dot(rows, { x: 'k', y: 'value', fill, r: 2.5 }),
    ],
  }, {
    title: 'λ_min(H(k)) per optimiser', subtitle: subtitle(result),
    legend: legendOf(result, colour, [{ label: 'λ_min(H(0))/2 (Lemma 3.2)', color: THEORY_GREY, style: 'dotted' }]),
  });
  return {
    file: 'optimizers-gram-lambda-min.svg',
    title: 'λ_min(H(k)) during training, per optimiser',
    caption: 'The least eigenvalue of the Gram matrix H(k) at the recorded steps (SGD: mean over seeds). The proof of Theorem 4.1 ' +
      'needs it to stay above half its start (Lemma 3.2); dotted: λ_min(H(0))/2.',
    svg,
  };
}

/** The four charts of a comparison. */
export function optimizerCharts(result: OptimizerComparisonResult): Chart[] {
  if (result.runs.length === 0) return [];
  const colour = colours(result);
  return [errorChart(result, colour), patternChart(result, colour), distanceChart(result, colour), gramChart(result, colour)];
}

/** β of a run's optimiser (0 for GD and SGD without momentum). */
function betaOfRun(r: OptimizerComparisonRun): number {
  const o = r.optimizer;
  return o.kind === 'momentum' || o.kind === 'nesterov' ? o.beta : o.kind === 'sgd' ? o.momentum ?? 0 : 0;
}

const ETA_RULE: Record<OptimizerComparisonRun['etaRule'], string> = {
  given: 'given', gdBest: "GD's best 2/(λ_max + λ0)", polyak: "Polyak's η*", fractionOfLimit: '½ × stability limit',
};

function csvs(result: OptimizerComparisonResult): { file: string; text: string }[] {
  const curves = result.runs.flatMap((r) => r.curves.residualSq.map((v, k) => [r.label, k, v, r.predictedResidualSq[k],
    r.curves.patternChangeFraction[k], r.curves.maxWeightDistance[k]]));
  const files = [
    { file: 'optimizers-runs.csv', text: toCsv(['optimizer', 'kind', 'eta', 'eta_rule', 'beta', 'stability_limit', 'status', 'steps_run', 'rate_window', 'rate_measured', 'rate_predicted'],
      result.runs.map((r) => [r.label, r.optimizer.kind, r.eta, r.etaRule, betaOfRun(r), r.stabilityLimit, r.status, r.stepsRun, r.rate.window, r.rate.measured, r.rate.predicted])) },
    { file: 'optimizers-curves.csv', text: toCsv(['optimizer', 'k', 'residual_sq', 'predicted_residual_sq', 'pattern_change_fraction', 'max_weight_distance'], curves) },
    { file: 'optimizers-lambda-min.csv', text: toCsv(['optimizer', 'k', 'lambda_min_gram'],
      result.runs.flatMap((r) => r.curves.lambdaMinGram.step.map((k, i) => [r.label, k, r.curves.lambdaMinGram.value[i]]))) },
  ];
  const sgd = result.runs.filter((r) => r.sgd);
  if (sgd.length > 0) {
    files.push({ file: 'optimizers-sgd-spread.csv', text: toCsv(['optimizer', 'k', 'residual_sq_mean', 'residual_sq_sd', 'residual_sq_min', 'residual_sq_max', 'mean_recursion_residual_sq', 'same_batches_residual_sq_mean'],
      sgd.flatMap((r) => r.sgd!.residualSqMean.map((v, k) => [r.label, k, v, r.sgd!.residualSqSd[k], r.sgd!.residualSqMin[k], r.sgd!.residualSqMax[k],
        r.predictedResidualSq[k], r.sgd!.sameBatchesResidualSqMean[k]]))) });
    files.push({ file: 'optimizers-sgd-mean-residual.csv', text: toCsv(['optimizer', 'k', 'mean_residual_norm_sq', 'mean_recursion_norm_sq', 'gap', 'standard_error'],
      sgd.flatMap((r) => r.sgd!.meanResidual.step.map((k, i) => [r.label, k, r.sgd!.meanResidual.normSq[i], r.sgd!.meanResidual.predictedNormSq[i],
        r.sgd!.meanResidual.gap[i], r.sgd!.meanResidual.standardError[i]]))) });
  }
  return files;
}

/** report.html of the optimizers command: settings, checks, one row per optimiser, the charts. */
export function optimizersReportHtml(file: OptimizersResultsFile, charts: Chart[]): string {
  const { result, checks, environment: env } = file;
  const p = result.parameters;
  const settings: [string, string][] = [
    ['data', `n = ${p.n} points uniform on the unit sphere in R^${p.d}, labels y_i ~ N(0, 1) (seed ${file.settings.seed})`],
    ['network', `the paper's ReLU net, m = ${p.m}, one W(0) for every run (seed ${p.netSeed}); loss ½‖y − u‖², output layer fixed`],
    ['H(0)', `λ_min = ${formatNumber(result.initial.lambdaMin)}, λ_max = ${formatNumber(result.initial.lambdaMax)}, κ = ${formatNumber(result.polyak.kappa)}; ` +
      `Polyak's pair η* = ${formatNumber(result.polyak.eta)}, β* = ${formatNumber(result.polyak.beta)}, promised factor ${formatNumber(result.polyak.rate)} ` +
      `(GD at its best, η = ${formatNumber(result.polyak.gdEta)}: ${formatNumber(result.polyak.gdRate)})`],
    ['step sizes', "GD's best 2/(λ_max + λ0) for GD, Polyak's (η*, β*) for heavy ball (Polyak), ½ × the optimiser's stability limit (optimizerStabilityLimit) for the others"],
    ['SGD', `batch seeds ${p.seeds.join(', ')}; the band is the min–max over them`],
    ['rates', `the factor of ‖y − u‖ per step averaged over the steps before ‖y − u(k)‖² < ${RATE_FLOOR}·‖y − u(0)‖² (float32's round-off)`],
    ['status', file.status],
    ['wall time', `${file.wallSeconds.toFixed(1)} s, started ${file.startedAt}`],
    ['software', `overparam ${env.overparam}, Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}`],
  ];
  const rows = result.runs.map((r) => {
    const last = r.curves.residualSq.length - 1;
    const lowest = Math.min(...r.curves.lambdaMinGram.value);
    return `<tr><td>${escapeHtml(r.label)}</td><td>${formatNumber(r.eta)} (${escapeHtml(ETA_RULE[r.etaRule])})</td><td>${formatNumber(betaOfRun(r))}</td>` +
      `<td>${formatNumber(r.stabilityLimit)}</td><td>${r.status}</td><td>${formatNumber(r.rate.measured)}</td><td>${formatNumber(r.rate.predicted)}</td>` +
      `<td>${r.rate.window}</td><td>${formatNumber(r.curves.residualSq[last])}</td><td>${formatNumber(100 * r.curves.patternChangeFraction[last], 3)}%</td>` +
      `<td>${formatNumber(r.curves.maxWeightDistance[last])}</td><td>${formatNumber(lowest)}</td></tr>`;
  }).join('\n');
  return htmlPage('overparam: Figure 1 for each optimiser', `<h1>Figure 1 for each optimiser</h1>
<p>One ReLU net per optimiser, all from the same W(0), on the same data: gradient descent (eq. 3), Polyak's heavy ball,
Nesterov and mini-batch SGD (DESIGN §7.4), each beside the kernel regime's prediction with H(0) fixed.</p>
<h2>Settings</h2>
${settingsTable(settings)}
${checksSection(checks)}
<h2>Runs</h2>
<table>
<tr><th>optimiser</th><th>η</th><th>β</th><th>stability limit</th><th>status</th><th>measured factor / step</th><th>predicted factor / step</th>
<th>over k ≤</th><th>‖y−u(K)‖²</th><th>patterns changed</th><th>max ‖w_r − w_r(0)‖</th><th>lowest λ_min(H(k))</th></tr>
${rows}
</table>
<h2>Charts</h2>
${figuresHtml(charts)}
<h2>Files</h2>
${filesList(file.files)}`);
}

/** Writes the CSVs, the four charts and report.html, then results.json; returns the file names. */
export async function writeOptimizerOutputs(dir: string, payload: Omit<OptimizersResultsFile, 'files'>): Promise<string[]> {
  const charts = optimizerCharts(payload.result);
  return writeOutputFiles(dir, {
    csvs: csvs(payload.result), charts,
    report: (files) => optimizersReportHtml({ ...payload, files }, charts),
    results: (files) => ({ ...payload, files }),
  });
}

/** `overparam optimizers …`: exit 0 when every decided check passes, 3 when one fails, 2 on a bad command line. */
export async function optimizersCommand(argv: string[]): Promise<number> {
  const { help, optimizers, ...settings } = parseOptimizersArgs(argv);
  if (help) {
    console.log(OPTIMIZERS_USAGE);
    return EXIT.ok;
  }
  checkOutputDirectory(settings.out);
  console.log(`overparam optimizers: n = ${settings.n}, d = ${settings.d}, m = ${settings.m}, ${settings.steps} steps, ` +
    `optimizers ${settings.optimizerList}, SGD seeds 0..${settings.seeds - 1}, data seed ${settings.seed} → ${settings.out}`);
  await init();
  const startedAt = new Date();
  const { X, y } = sphereData({ n: settings.n, d: settings.d, seed: settings.seed });
  const result = optimizerComparison(X, y, {
    m: settings.m, steps: settings.steps, optimizers, seeds: Array.from({ length: settings.seeds }, (_, i) => i), netSeed: settings.seed + 1,
    ...(settings.gramEvery !== undefined ? { gramEvery: settings.gramEvery } : {}),
    // One line per finished run (the runs take this thread, so a live bar could not redraw).
    onProgress: (p) => {
      if (p.step === p.steps) {
        console.log(`finished ${p.label}${p.seed !== undefined ? `, seed ${p.seed}` : ''} (${Math.round((100 * p.completed) / p.total)}%, ` +
          `${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const { polyak, initial } = result;
  console.log(`H(0): λ_min = ${formatNumber(initial.lambdaMin)}, λ_max = ${formatNumber(initial.lambdaMax)}, κ = ${formatNumber(polyak.kappa)}; ` +
    `Polyak's pair η* = ${formatNumber(polyak.eta)}, β* = ${formatNumber(polyak.beta)} promises ${formatNumber(polyak.rate)}/step, GD at its best ${formatNumber(polyak.gdRate)}/step`);
  for (const r of result.runs) {
    console.log(`${r.label}: η = ${formatNumber(r.eta)} (${ETA_RULE[r.etaRule]}), ${r.status}; factor of ‖y − u‖ per step over k ≤ ${r.rate.window}: ` +
      `measured ${formatNumber(r.rate.measured)}, ${r.sgd ? 'mean recursion' : 'kernel regime'} ${formatNumber(r.rate.predicted)}`);
  }
  const checks = optimizerComparisonChecks(result);
  const decided = checks.filter((c) => c.passed !== null);
  console.log(`checks: ${decided.filter((c) => c.passed).length} of ${decided.length} pass`);
  for (const c of checks) console.log(`  ${c.passed === null ? '–' : c.passed ? '✓' : '✗'} ${c.claim} [${c.source}]: ${c.detail}`);
  const files = await writeOptimizerOutputs(settings.out, {
    command: 'optimizers', settings, environment: environment(), startedAt: startedAt.toISOString(),
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
