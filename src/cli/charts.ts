// The report's charts, drawn by Observable Plot into a server-side DOM (linkedom) and written as
// standalone SVG files: measured curves solid, the theory's lines dashed, legends drawn as text
// marks inside the SVG (Plot's own legends are HTML, which a standalone .svg cannot hold).
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import {
  GRAM_DEVIATION_SLOPE, initialGramDeviationBound, initialGramFloor, ROUND_OFF_FLOOR, trainingGramFloor, type WidthSummary,
  type WidthSweepResult,
} from '../experiments/index.js';
import { formatNumber } from '../experiments/format.js';

/** One chart: its file name, title and the SVG text. */
export interface Chart {
  file: string;
  title: string;
  /** What the chart shows and how to read it (the report's caption). */
  caption: string;
  svg: string;
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { top: 56, right: 230, bottom: 44, left: 70 };
const LEGEND_ROW = 15;

/** How a line or legend entry is drawn. */
export type LineStyle = 'solid' | 'dashed' | 'dotted' | 'point';
/** One legend row drawn inside the SVG. */
export interface LegendEntry { label: string; color: string; style: LineStyle }

/** stroke-dasharray of each line style. */
export const DASH: Record<LineStyle, string | undefined> = { solid: undefined, dashed: '7,4', dotted: '2,3', point: undefined };
/** The colour of the theory's lines in legends. */
export const THEORY_GREY = '#555555';

function widthLabel(m: number): string {
  return `m = ${m.toLocaleString('en-US')}`;
}

/** A width's colour, for a width m or for a row { m } (so it serves directly as a Plot channel). */
type Colour = (width: number | { m: number }) => string;

/** Colours of the widths, from Plot's own ordinal scale (tableau10). */
function widthColours(widths: number[]): Colour {
  const scale = Plot.scale({ color: { type: 'ordinal', scheme: 'tableau10', domain: widths.map(widthLabel) } });
  return (width) => String(scale.apply(widthLabel(typeof width === 'number' ? width : width.m)));
}

/** One solid legend line per width of the sweep. */
function widthLegend(result: WidthSweepResult, colour: Colour): LegendEntry[] {
  return result.summaries.map((s) => ({ label: widthLabel(s.m), color: colour(s.m), style: 'solid' }));
}

/** A point of a per-width curve; Plot draws one line per m (z: 'm'). */
interface CurvePoint { k: number; value: number; m: number }

/** The points (k, curve[k]) of every width's curve that pass `keep`. */
function curvePoints(result: WidthSweepResult, curve: (s: WidthSummary) => number[], keep: (p: CurvePoint) => boolean = () => true): CurvePoint[] {
  return result.summaries.flatMap((s) => curve(s).map((value, k) => ({ k, value, m: s.m })).filter(keep));
}

/** Title, subtitle and legend of a chart. */
export interface Decorations {
  title: string;
  subtitle: string;
  legend: LegendEntry[];
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Renders a Plot into standalone SVG text: xmlns set, a white background (readable in dark
 * viewers), and the title and legend added as plain SVG elements in the margins, because Plot's
 * own titles and legends are HTML around the SVG and a standalone .svg file cannot hold them.
 */
export function renderSvg(options: Plot.PlotOptions, { title, subtitle, legend }: Decorations): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({
    width: WIDTH, height: HEIGHT, marginTop: MARGIN.top, marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom, marginLeft: MARGIN.left,
    ...options, document,
  }) as unknown as Element;
  if (node.tagName.toLowerCase() !== 'svg') {
    throw new Error(`charts: Plot returned <${node.tagName.toLowerCase()}>, expected a bare <svg> (no Plot legends or titles here)`);
  }
  const element = (name: string, attributes: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  node.setAttribute('xmlns', SVG_NS);
  node.insertBefore(element('rect', { width: '100%', height: '100%', fill: 'white' }), node.firstChild);
  node.appendChild(element('text', { x: 12, y: 20, 'font-size': 15, 'font-weight': 'bold', 'text-anchor': 'start', fill: '#111' }, title));
  node.appendChild(element('text', { x: 12, y: 38, 'font-size': 11, 'text-anchor': 'start', fill: '#444' }, subtitle));
  const group = element('g', { 'font-size': 11, 'text-anchor': 'start' });
  const left = WIDTH - MARGIN.right + 16;
  legend.forEach((entry, row) => {
    const y = MARGIN.top + 6 + row * LEGEND_ROW;
    if (entry.style === 'point') {
      group.appendChild(element('circle', { cx: left + 13, cy: y, r: 4, fill: entry.color }));
    } else {
      const dash = DASH[entry.style];
      group.appendChild(element('line', {
        x1: left, x2: left + 26, y1: y, y2: y, stroke: entry.color, 'stroke-width': 2, ...(dash ? { 'stroke-dasharray': dash } : {}),
      }));
    }
    group.appendChild(element('text', { x: left + 34, y: y + 4, fill: '#222' }, entry.label));
  });
  node.appendChild(group);
  return node.outerHTML;
}

/** Axis options of every chart: centred labels, and plain numbers on log axes (SI's "m" for milli would read as a width). */
export function axis(label: string, options: { log?: boolean; percent?: boolean; zero?: boolean; inset?: number } = {}): Plot.ScaleOptions {
  return {
    label, labelAnchor: 'center', labelArrow: 'none', grid: true, inset: options.inset ?? 0,
    ...(options.log ? { type: 'log', tickFormat: '~g' } : {}),
    ...(options.percent ? { percent: true } : {}),
    ...(options.zero ? { zero: true } : {}),
  };
}

/** The x axis of the per-step charts: with --flow also the flow time t = ηk it stands for. */
function iterationLabel(result: WidthSweepResult): string {
  return result.flow ? `iteration k (gradient flow time t = ηk, η = ${formatNumber(result.flow.eta, 3)})` : 'iteration k';
}

const positive = (v: number) => Number.isFinite(v) && v > 0;
const positiveValue = (p: { value: number }) => positive(p.value);

const format = (v: number) => formatNumber(v, 3);

/**
 * The limit kernel of the theory's lines: `symbol` for formulas ('H∞', 'H*', 'H* + K^a'), `label`
 * naming it fully ('H* + K^a (tanh, joint)'), `paper` when it is the paper's H∞ (ReLU, first layer).
 */
function theoryKernel(result: WidthSweepResult): { symbol: string; label: string; paper: boolean } {
  const limit = result.limit ?? { activation: 'relu', part: 'first', label: 'H∞' };
  const first = limit.activation === 'relu' ? 'H∞' : 'H*';
  const symbol = limit.part === 'both' ? `(${first} + K^a)` : first;
  return { symbol, label: limit.label, paper: limit.activation === 'relu' && limit.part === 'first' };
}

/** Whether the run's ψ has a sign pattern (ReLU, leaky ReLU); smooth ψ report the change of ψ′(Z). */
function signPatterns(result: WidthSweepResult): boolean {
  const activation = result.parameters.activation ?? 'relu';
  return activation === 'relu' || activation === 'leakyRelu';
}

/** The model's settings that differ from the paper's, for subtitles. */
function modelOf(result: WidthSweepResult): string {
  const p = result.parameters;
  const parts: string[] = [];
  if ((p.outputScale ?? 1) !== 1) parts.push(`α = ${p.outputScale}`);
  if ((p.widthExponent ?? 0.5) !== 0.5) parts.push(`γ = ${p.widthExponent}`);
  if ((p.outputInit ?? 'sign') !== 'sign') parts.push(`a(0) ${p.outputInit}`);
  if ((p.scale ?? 1) !== 1) parts.push(`κ = ${p.scale}`);
  return parts.map((part) => `, ${part}`).join('');
}

function subtitleOf(result: WidthSweepResult): string {
  const p = result.parameters;
  const kernel = theoryKernel(result);
  return `n = ${p.n}, d = ${p.d}, η = ${format(p.eta)}, ${p.steps} GD steps, ${p.trials > 1 ? `mean of ${p.trials} trials, ` : ''}` +
    (kernel.paper
      ? `λ0 = ${format(result.lambda0)}${p.trainOutputLayer ? ', both layers trained' : ''}`
      : `theory: ${kernel.label}, λ0 = ${format(result.lambda0)}${modelOf(result)}`) +
    (kernel.paper ? modelOf(result) : '');
}

/** Figure 1(a): ‖y − u(k)‖² per width on a log scale, with the infinite-width trajectory and Theorem 4.1's bound. */
function trainingErrorChart(result: WidthSweepResult, colour: Colour): Chart {
  const rows = curvePoints(result, (s) => s.residualSq, positiveValue);
  const theoryRows = curvePoints(result, (s) => s.infiniteWidthResidualSq, positiveValue);
  const boundRows = curvePoints(result, (s) => s.convergenceBound, positiveValue);
  const legend: LegendEntry[] = [
    ...widthLegend(result, colour),
    { label: 'measured', color: THEORY_GREY, style: 'solid' },
    { label: `infinite width: (I − η${theoryKernel(result).symbol})ᵏr(0)`, color: THEORY_GREY, style: 'dotted' },
    { label: 'Thm 4.1: (1 − ηλ0/2)ᵏ‖r(0)‖²', color: THEORY_GREY, style: 'dashed' },
  ];
  const svg = renderSvg({
    x: axis(iterationLabel(result)),
    y: axis('training error ‖y − u(k)‖²', { log: true }),
    marks: [
      Plot.line(boundRows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeDasharray: DASH.dashed, strokeWidth: 1.2, strokeOpacity: 0.8 }),
      Plot.line(theoryRows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeDasharray: DASH.dotted, strokeWidth: 2 }),
      Plot.line(rows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeWidth: 2 }),
    ],
  }, { title: '(a) Training error', subtitle: subtitleOf(result), legend });
  return {
    file: 'fig1a-training-error.svg',
    title: '(a) Training error ‖y − u(k)‖² (log scale)',
    caption: `Solid: measured. Dotted: the infinite-width network from the same start, r(k) = (I − η${theoryKernel(result).symbol})ᵏ(y − u(0)), ` +
      `computed exactly from the eigendecomposition of ${theoryKernel(result).symbol}` +
      (theoryKernel(result).paper ? '' : `, the limit kernel of this run: ${theoryKernel(result).label}`) +
      '. Dashed: Theorem 4.1\'s bound (1 − ηλ0/2)ᵏ‖y − u(0)‖². ' +
      `Curves below ${ROUND_OFF_FLOOR.toExponential(0)}·‖y − u(0)‖² are at float32 round-off.`,
    svg,
  };
}

/** Figure 1(b): fraction of activation patterns changed since initialisation. */
function patternChangeChart(result: WidthSweepResult, colour: Colour): Chart {
  const rows = curvePoints(result, (s) => s.patternChangeFraction);
  const signs = signPatterns(result);
  const svg = renderSvg({
    x: axis(iterationLabel(result)),
    y: axis(signs ? 'patterns changed since k = 0 (%)' : 'relative change of ψ′(Z) since k = 0 (%)', { percent: true }),
    marks: [
      Plot.ruleY([0]),
      Plot.line(rows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeWidth: 2 }),
    ],
  }, { title: signs ? '(b) Activation pattern changes' : `(b) Change of ψ′(Z) (${result.parameters.activation})`, subtitle: subtitleOf(result), legend: widthLegend(result, colour) });
  return {
    file: 'fig1b-pattern-changes.svg',
    title: signs ? '(b) Activation patterns changed since initialisation (%)' : '(b) Relative change of ψ′(Z) since initialisation (%)',
    caption: signs
      ? 'Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)}/(nm): the share of (point, neuron) pairs whose ReLU switched. ' +
        'Wider nets change fewer patterns, which keeps H(k) near H(0) (Lemma 3.2).'
      : `‖ψ′(Z(k)) − ψ′(Z(0))‖_F/‖ψ′(Z(0))‖_F: a smooth ψ (${result.parameters.activation}) has no sign pattern, and this is ` +
        'the quantity that keeps H(k) near H(0) in its place.',
    svg,
  };
}

/** Figure 1(c): max_r ‖w_r(k) − w_r(0)‖₂, log scale so that Corollary 4.1's R' fits. */
function weightDistanceChart(result: WidthSweepResult, colour: Colour): Chart {
  const rows = curvePoints(result, (s) => s.maxWeightDistance, (p) => p.k > 0 && positive(p.value));
  const bounds = result.summaries.filter((s) => positive(s.distanceBound)).map((s) => ({ value: s.distanceBound, m: s.m }));
  const legend: LegendEntry[] = [
    ...widthLegend(result, colour),
    { label: 'measured', color: THEORY_GREY, style: 'solid' },
    { label: "R' of Corollary 4.1", color: THEORY_GREY, style: 'dashed' },
  ];
  const svg = renderSvg({
    x: axis(iterationLabel(result)),
    y: axis('max_r ‖w_r(k) − w_r(0)‖₂', { log: true }),
    marks: [
      Plot.ruleY(bounds, { y: 'value', stroke: colour, strokeDasharray: DASH.dashed, strokeWidth: 1.5 }),
      Plot.line(rows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeWidth: 2 }),
    ],
  }, { title: '(c) Distance from initialisation', subtitle: subtitleOf(result), legend });
  return {
    file: 'fig1c-weight-distance.svg',
    title: '(c) Largest distance of a weight vector from its start (log scale)',
    caption: "Solid: max_r ‖w_r(k) − w_r(0)‖₂. Dashed: Corollary 4.1's radius R' = 4√n‖y − u(0)‖/(√m λ0) for each width. " +
      'The paper draws this panel on a linear scale; the log scale here fits R\', which is far above the measurement.',
    svg,
  };
}

/** λ_min(H(k)) during training per width, against λ0, ¾λ0 and λ0/2. */
function gramEigenvalueChart(result: WidthSweepResult, colour: Colour): Chart {
  const rows = result.summaries.flatMap((s) => s.lambdaMinGram.step.map((k, i) => ({ k, value: s.lambdaMinGram.value[i], m: s.m })));
  const { lambda0 } = result;
  const references = [
    { value: lambda0, label: `λ0 = λ_min(${theoryKernel(result).label})`, style: 'solid' as const },
    { value: initialGramFloor(lambda0), label: 'Lemma 3.1: ¾λ0', style: 'dashed' as const },
    { value: trainingGramFloor(lambda0), label: 'Lemma 3.2: λ0/2', style: 'dotted' as const },
  ].filter((r) => Number.isFinite(r.value));
  const legend: LegendEntry[] = [
    ...widthLegend(result, colour),
    ...references.map((r) => ({ label: r.label, color: THEORY_GREY, style: r.style })),
  ];
  const svg = renderSvg({
    x: axis(iterationLabel(result)),
    y: axis('λ_min(H(k))', { zero: true }),
    marks: [
      ...references.map((r) => Plot.ruleY([r.value], { stroke: THEORY_GREY, strokeDasharray: DASH[r.style], strokeWidth: 1.2 })),
      Plot.line(rows, { x: 'k', y: 'value', z: 'm', stroke: colour, strokeWidth: 2 }),
      Plot.dot(rows, { x: 'k', y: 'value', fill: colour, r: 2.5 }),
    ],
  }, { title: 'Least eigenvalue of the Gram matrix during training', subtitle: subtitleOf(result), legend });
  return {
    file: 'gram-lambda-min.svg',
    title: 'λ_min(H(k)) during training',
    caption: 'The least eigenvalue of the Gram matrix H(k) (eq. 5) at the recorded steps. The proofs need ' +
      'λ_min(H(0)) ≥ ¾λ0 (Lemma 3.1) and λ_min(H(k)) ≥ λ0/2 throughout (Lemma 3.2, Theorem 4.1).',
    svg,
  };
}

/** ‖H(0) − H∞‖₂ against m (log-log), the fitted slope, the theory's −½ and Lemma 3.1's λ0/4. */
function gramDeviationChart(result: WidthSweepResult, colour: Colour): Chart {
  const points = result.runs.map((r) => ({ m: r.m, value: r.initial.deviationFromInfinity })).filter((d) => positive(d.value));
  const fit = result.gramDeviationFit;
  const widths = result.summaries.map((s) => s.m);
  const [lo, hi] = [Math.min(...widths), Math.max(...widths)];
  const marks: Plot.Markish[] = [];
  const K = theoryKernel(result);
  const legend: LegendEntry[] = [{ label: `‖H(0) − ${K.symbol}‖₂ (each net)`, color: '#222', style: 'point' }];
  if (fit && lo < hi) {
    const fitted = [lo, hi].map((m) => ({ m, value: fit.prefactor * m ** fit.slope }));
    // The theory's slope −½ through the geometric mean of the measurements, so only the slope is compared.
    const logMean = points.reduce((s, d) => s + Math.log(d.value), 0) / points.length;
    const logM = points.reduce((s, d) => s + Math.log(d.m), 0) / points.length;
    const reference = [lo, hi].map((m) => ({ m, value: Math.exp(logMean + GRAM_DEVIATION_SLOPE * (Math.log(m) - logM)) }));
    marks.push(Plot.line(fitted, { x: 'm', y: 'value', stroke: '#222', strokeWidth: 1.5 }));
    marks.push(Plot.line(reference, { x: 'm', y: 'value', stroke: THEORY_GREY, strokeDasharray: DASH.dashed, strokeWidth: 1.5 }));
    legend.push({ label: `fit: slope ${format(fit.slope)}`, color: '#222', style: 'solid' });
    legend.push({ label: 'Lemma 3.1: slope −½ (∝ 1/√m)', color: THEORY_GREY, style: 'dashed' });
  }
  if (positive(result.lambda0)) {
    marks.push(Plot.ruleY([initialGramDeviationBound(result.lambda0)], { stroke: THEORY_GREY, strokeDasharray: DASH.dotted, strokeWidth: 1.2 }));
    legend.push({ label: 'Lemma 3.1: λ0/4', color: THEORY_GREY, style: 'dotted' });
  }
  const svg = renderSvg({
    x: axis('width m', { log: true, inset: 12 }),
    y: axis(`‖H(0) − ${K.symbol}‖₂`, { log: true, inset: 12 }),
    marks: [
      ...marks,
      Plot.dot(points, { x: 'm', y: 'value', fill: colour, r: 4 }),
    ],
  }, { title: 'Gram matrix at initialisation vs its limit', subtitle: subtitleOf(result), legend });
  return {
    file: 'gram-deviation.svg',
    title: `‖H(0) − ${K.symbol}‖₂ against the width m (log-log)`,
    caption: `How far the Gram matrix at initialisation is from its infinite-width limit${K.paper ? '' : ` ${K.label}`}. Lemma 3.1: it shrinks like 1/√m ` +
      '(slope −½), and once it is below λ0/4, λ_min(H(0)) ≥ ¾λ0.',
    svg,
  };
}

/** Test-set distance of each trained net from the kernel-regime prediction, against m. */
function kernelPredictionChart(result: WidthSweepResult, colour: Colour): Chart | undefined {
  const points = result.runs.filter((r) => r.test && positive(r.test.deviationFromKernel))
    .map((r) => ({ m: r.m, value: r.test!.deviationFromKernel, movement: r.test!.kernelMovement }));
  if (points.length === 0) return undefined;
  const means = result.summaries.filter((s) => s.test).map((s) => ({ m: s.m, value: s.test!.deviationFromKernel, movement: s.test!.kernelMovement }));
  const legend: LegendEntry[] = [
    { label: 'trained net vs kernel', color: '#222', style: 'point' },
    { label: 'kernel prediction vs f₀', color: THEORY_GREY, style: 'dashed' },
  ];
  const svg = renderSvg({
    x: axis('width m', { log: true, inset: 12 }),
    y: axis('RMS over test points', { log: true, inset: 12 }),
    marks: [
      Plot.line(means, { x: 'm', y: 'movement', stroke: THEORY_GREY, strokeDasharray: DASH.dashed, strokeWidth: 1.5 }),
      Plot.line(means, { x: 'm', y: 'value', stroke: '#222', strokeWidth: 1.2 }),
      Plot.dot(points, { x: 'm', y: 'value', fill: colour, r: 4 }),
    ],
  }, { title: 'Trained nets against the kernel (NTK) prediction', subtitle: subtitleOf(result), legend });
  return {
    file: 'kernel-prediction.svg',
    title: 'Held-out predictions: trained network vs kernel regime',
    caption: `On ${result.parameters.testPoints} held-out points: the RMS gap between each trained network and the kernel-regime ` +
      (theoryKernel(result).paper
        ? 'prediction from the same start after the same steps, f₀(x) + H∞(x, X)·η Σ_j r(j) with r(j+1) = (I − ηH∞)r(j). '
        : `prediction from the same start after the same steps, f₀(x) + K(x, X)·η Σ_j r(j) with r(j+1) = (I − ηK)r(j), K = ${theoryKernel(result).label}. `) +
      'Dashed, for scale: how far that prediction moved from f₀.',
    svg,
  };
}

/** Every chart of a sweep, in report order. */
/** The widest net's eigenmode projections |p_i(k)| against their kernel-regime decay (Arora et al. 2019). */
function modesChart(result: WidthSweepResult): Chart | undefined {
  const run = [...result.runs].reverse().find((r) => r.modes);
  if (!run?.modes) return undefined;
  const curves = run.modes;
  const modeLabel = (j: number) => `mode ${curves.modes[j] + 1}: λ = ${format(curves.eigenvalues[j])}`;
  const scale = Plot.scale({ color: { type: 'ordinal', scheme: 'tableau10', domain: curves.modes.map((_, j) => modeLabel(j)) } });
  const colour = (row: { j: number }) => String(scale.apply(modeLabel(row.j)));
  const measured = curves.modes.flatMap((_, j) => curves.steps.map((k, s) => ({ j, k, value: Math.abs(curves.measured[j][s]) })))
    .filter(positiveValue);
  const predicted = curves.modes.flatMap((_, j) => curves.predicted[j].map((v, k) => ({ j, k, value: Math.abs(v) }))).filter(positiveValue);
  const legend: LegendEntry[] = [
    ...curves.modes.map((_, j) => ({ label: modeLabel(j), color: colour({ j }), style: 'solid' as const })),
    { label: 'measured |p_i(k)|', color: THEORY_GREY, style: 'solid' },
    { label: 'kernel regime', color: THEORY_GREY, style: 'dashed' },
  ];
  const svg = renderSvg({
    x: axis(iterationLabel(result)),
    y: axis('|p_i(k)|', { log: true }),
    marks: [
      Plot.line(predicted, { x: 'k', y: 'value', z: 'j', stroke: colour, strokeDasharray: DASH.dashed, strokeWidth: 1.5 }),
      Plot.line(measured, { x: 'k', y: 'value', z: 'j', stroke: colour, strokeWidth: 2 }),
    ],
  }, { title: `Eigenmodes of the residual, m = ${run.m.toLocaleString('en-US')}`, subtitle: subtitleOf(result), legend });
  return {
    file: 'modes.svg',
    title: `The residual on eigenmodes of ${theoryKernel(result).label} (widest net, log scale)`,
    caption: `Solid: |p_i(k)| = |v_iᵀ(y − u(k))| on the top and bottom eigenmodes v_i of the limit kernel, for m = ${run.m}. ` +
      'Dashed: the kernel regime, |1 − ηλ_i|^k |p_i(0)|. Modes of large λ_i are fitted fast, small ones slowly ' +
      '(Arora, Du, Hu, Li, Wang, ICML 2019, Section 4).',
    svg,
  };
}

export function sweepCharts(result: WidthSweepResult): Chart[] {
  if (result.summaries.length === 0) return []; // nothing finished: nothing to draw
  const colour = widthColours(result.parameters.widths);
  const charts: (Chart | undefined)[] = [
    trainingErrorChart(result, colour),
    patternChangeChart(result, colour),
    weightDistanceChart(result, colour),
    gramEigenvalueChart(result, colour),
    gramDeviationChart(result, colour),
    kernelPredictionChart(result, colour),
    modesChart(result),
  ];
  return charts.filter((c): c is Chart => c !== undefined);
}
