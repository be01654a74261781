// The proof panel: train's certificates (src/training/certificates.ts) of one width of the run,
// drawn as they stream in: each quantity of the proof of Theorem 4.1 measured (solid) against its
// bound (dashed), the lemma named under each chart, and the pass/fail table of the summary.
import uPlot from 'uplot';
import type { CertificateCheck } from '../../src/index';
import { formatCompact as fmt } from '../../src/experiments/format';
import type { CertificateBatch } from './protocol';

const MEASURED_COLOUR = '#0072B2';
const SECOND_COLOUR = '#C2410C';
const BOUND_COLOUR = '#333333';
const BOUND_DASH = [7, 4];
const REDRAW_MILLISECONDS = 150;
const MIN_CHART_WIDTH = 200;

/** One width's certificates as received so far. */
interface WidthCertificates {
  series: Record<string, number[]>;
  gram: Record<string, number[]>;
  constants?: Pick<CertificateBatch, 'corollary41Radius' | 'lemma32Radius' | 'lemma34' | 'lambda0' | 'delta'>;
  summary: CertificateCheck[];
  final: boolean;
}

/** A line of a chart: a certificate array, or a constant of the run drawn across every step. */
type Line =
  | { kind: 'series'; name: string; label: string; bound: boolean; colour?: string }
  | { kind: 'constant'; of: 'corollary41Radius' | 'lemma32Radius'; label: string };

/** A chart of the panel: its title, the summary check that names its lemma, and its lines. */
interface ChartSpec {
  id: string;
  title: string;
  check: string;
  /** The lemma's name before the summary arrives. */
  source: string;
  /** 'gram': x is the gramEvery grid (gram.step); else the step k of the transition k → k + 1. */
  grid: 'steps' | 'gram';
  log: boolean;
  /** Lines of the sets, H(k) and I2 exist for ReLU only (they rest on its patterns): without them the chart is hidden. */
  lines: Line[];
}

/** The charts, in the proof's order. */
const CHARTS: readonly ChartSpec[] = [
  {
    id: 'radius', title: 'Weight movement against R′', check: 'corollary41', source: 'Corollary 4.1, eq. (6)', grid: 'steps', log: true,
    lines: [
      { kind: 'series', name: 'measuredRadius', label: 'max_{j≤k+1} max_r ‖w_r(j) − w_r(0)‖', bound: false },
      { kind: 'constant', of: 'corollary41Radius', label: 'R′ = 4√n‖y − u(0)‖/(√m λ0)' },
      { kind: 'constant', of: 'lemma32Radius', label: 'Lemma 3.2’s R = √(2π)δλ0/(16n²)' },
    ],
  },
  {
    id: 'gram', title: '‖H(k) − H(0)‖₂ against its bound', check: 'gramDeviation', source: 'Lemma 3.2 (proof)', grid: 'gram', log: true,
    lines: [
      { kind: 'series', name: 'deviation', label: '‖H(k) − H(0)‖₂', bound: false },
      { kind: 'series', name: 'deviationBound', label: '4n²R/(√(2π)δ) at the measured R', bound: true },
    ],
  },
  {
    id: 'sets', title: 'Neurons that can flip, Σ_i |S_i^⊥|', check: 'lemma41', source: 'Lemma 4.1 (eq. 8)', grid: 'steps', log: true,
    lines: [
      { kind: 'series', name: 'sPerpTotal', label: 'Σ_i |S_i^⊥|', bound: false },
      { kind: 'series', name: 'flipped', label: 'pairs (i, r) that flipped', bound: false, colour: SECOND_COLOUR },
      { kind: 'series', name: 'lemma41Bound', label: '2mnR/(√(2π)δ)', bound: true },
    ],
  },
  {
    id: 'contraction', title: 'One-step contraction', check: 'condition41', source: 'Condition 4.1', grid: 'steps', log: false,
    lines: [
      { kind: 'series', name: 'contraction', label: '‖y − u(k+1)‖²/‖y − u(k)‖²', bound: false },
      { kind: 'series', name: 'condition41', label: '1 − ηλ0/2', bound: true },
    ],
  },
  {
    id: 'quadratic', title: 'The quadratic term ‖u(k+1) − u(k)‖²', check: 'quadratic', source: '§4.1 (quadratic term)', grid: 'steps', log: true,
    lines: [
      { kind: 'series', name: 'quadratic', label: '‖u(k+1) − u(k)‖²', bound: false },
      { kind: 'series', name: 'quadraticBound', label: 'η²n²‖y − u(k)‖²', bound: true },
    ],
  },
  {
    id: 'i2', title: 'The flipping neurons’ share ‖I2‖', check: 'i2', source: '§4.1 (I2)', grid: 'steps', log: true,
    lines: [
      { kind: 'series', name: 'i2Norm', label: '‖I2‖₂', bound: false },
      { kind: 'series', name: 'i2Bound', label: 'η√n‖u − y‖·‖(|S_i^⊥|)_i‖/m', bound: true },
    ],
  },
];

/** What the page exposes of the panel for tests: the width shown and its summary. */
export interface ProofState {
  widthIndex?: number;
  m?: number;
  refused?: string;
  /** Steps received per width. */
  steps: number[];
  summary?: CertificateCheck[];
  final?: boolean;
  /** The shown width's arrays as reassembled from the batches (per step, and on the gram grid). */
  series?: Record<string, number[]>;
  gram?: Record<string, number[]>;
}

/** The elements of the panel (web/index.html). */
export interface ProofTargets {
  panel: HTMLDetailsElement;
  width: HTMLSelectElement;
  note: HTMLElement;
  reason: HTMLElement;
  constants: HTMLElement;
  charts: HTMLElement;
  table: HTMLTableElement;
}

/** A log scale can draw neither 0 nor a negative or infinite value. */
function drawable(value: number, log: boolean): number | null {
  return Number.isFinite(value) && (!log || value > 0) ? value : null;
}

/** The proof panel of one run. */
export class ProofPanel {
  private widths: number[] = [];
  private data: WidthCertificates[] = [];
  private shown = -1;
  private recording = false;
  private refused?: string;
  private plots = new Map<string, uPlot>();
  private figures = new Map<string, { figure: HTMLElement; chart: HTMLElement; lemma: HTMLElement }>();
  private redrawTimer: number | undefined;
  private readonly resizeObserver: ResizeObserver;
  readonly state: ProofState = { steps: [] };

  constructor(private readonly t: ProofTargets) {
    for (const spec of CHARTS) {
      const figure = document.createElement('figure');
      figure.dataset.chart = spec.id;
      const caption = Object.assign(document.createElement('figcaption'), { textContent: spec.title });
      const chart = Object.assign(document.createElement('div'), { className: 'chart', id: `proof-${spec.id}` });
      const lemma = Object.assign(document.createElement('p'), { className: 'lemma', textContent: spec.source });
      figure.append(caption, chart, lemma);
      t.charts.append(figure);
      this.figures.set(spec.id, { figure, chart, lemma });
    }
    t.width.addEventListener('change', () => this.show(Number(t.width.value)));
    // Charts are drawn once the panel is open: a closed <details> has no width to lay them out in.
    t.panel.addEventListener('toggle', () => { if (t.panel.open) this.redraw(); });
    this.resizeObserver = new ResizeObserver(() => this.fitWidths());
    this.resizeObserver.observe(t.charts);
  }

  /** Whether the next run should record certificates. */
  get wanted(): boolean {
    return this.t.panel.open;
  }

  /** A new run: its widths (the widest shown by default) and whether it records certificates. */
  start(widths: number[], recording: boolean): void {
    this.widths = widths;
    this.recording = recording;
    this.refused = undefined;
    this.data = widths.map(() => ({ series: {}, gram: {}, summary: [], final: false }));
    this.state.steps = widths.map(() => 0);
    delete this.state.refused;
    this.t.width.replaceChildren(...widths.map((m, w) => Object.assign(document.createElement('option'), { value: String(w), textContent: `m = ${m}` })));
    this.t.width.disabled = !recording;
    const widest = widths.indexOf(Math.max(...widths));
    this.t.width.value = String(widest);
    this.t.reason.hidden = true;
    this.t.note.textContent = recording ? 'Recording the certificates as the run goes…'
      : 'This run records no certificates: open this panel before Start (or press Start again now).';
    this.show(widest);
  }

  /** train refused certificates for the run: its reason replaces the charts. */
  refuse(reason: string): void {
    this.refused = reason;
    this.state.refused = reason;
    this.t.reason.textContent = `No certificates for this run. ${reason}.`;
    this.t.reason.hidden = false;
    this.t.note.textContent = '';
    this.t.width.disabled = true;
    this.show(this.shown);
  }

  /** Appends a batch of a width's certificates. */
  add(batch: CertificateBatch): void {
    const target = this.data[batch.widthIndex];
    if (!target) return;
    for (const [name, values] of Object.entries(batch.series)) {
      const list = (target.series[name] ??= []);
      list.length = batch.fromStep;
      for (const v of values) list.push(v);
    }
    for (const [name, values] of Object.entries(batch.gram)) {
      const list = (target.gram[name] ??= []);
      list.length = batch.fromGram;
      list.push(...values);
    }
    const { corollary41Radius, lemma32Radius, lemma34, lambda0, delta } = batch;
    target.constants = { corollary41Radius, lemma32Radius, lemma34, lambda0, delta };
    target.summary = batch.summary;
    target.final = batch.final;
    this.state.steps[batch.widthIndex] = target.series.contraction?.length ?? 0;
    if (batch.widthIndex === this.shown) {
      this.scheduleRedraw();
      this.showSummary();
    }
  }

  /** Shows width index `w`. */
  private show(w: number): void {
    this.shown = w;
    this.state.widthIndex = w;
    this.state.m = this.widths[w];
    this.t.panel.dataset.width = String(this.widths[w] ?? '');
    for (const plot of this.plots.values()) plot.destroy();
    this.plots.clear();
    this.redraw();
    this.showSummary();
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer !== undefined) return;
    this.redrawTimer = window.setTimeout(() => {
      this.redrawTimer = undefined;
      requestAnimationFrame(() => this.redraw());
    }, REDRAW_MILLISECONDS);
  }

  /** The aligned data of a chart for the shown width, or undefined when the run has none. */
  private chartData(spec: ChartSpec, c: WidthCertificates): uPlot.AlignedData | undefined {
    const xs = spec.grid === 'gram' ? c.gram.step : c.series[(spec.lines[0] as { name: string }).name];
    if (!xs) return undefined;
    const length = xs.length;
    const x = spec.grid === 'gram' ? Float64Array.from(xs) : Float64Array.from({ length }, (_, k) => k);
    const columns: (number | null)[][] = [];
    for (const line of spec.lines) {
      if (line.kind === 'constant') {
        const value = c.constants?.[line.of];
        if (value === undefined) continue;
        columns.push(new Array<number | null>(length).fill(drawable(value, spec.log)));
      } else {
        const values = (spec.grid === 'gram' ? c.gram : c.series)[line.name] ?? [];
        columns.push(Array.from({ length }, (_, k) => drawable(values[k] ?? NaN, spec.log)));
      }
    }
    return [x, ...columns];
  }

  /** Draws the shown width's charts now (only while the panel is open). */
  redraw(): void {
    const c = this.data[this.shown];
    for (const spec of CHARTS) {
      const { figure, chart } = this.figures.get(spec.id)!;
      const data = c && !this.refused ? this.chartData(spec, c) : undefined;
      const hidden = !data;
      figure.hidden = hidden;
      if (hidden) {
        this.plots.get(spec.id)?.destroy();
        this.plots.delete(spec.id);
        delete chart.dataset.points;
        continue;
      }
      if (!this.t.panel.open) continue;
      let plot = this.plots.get(spec.id);
      if (!plot || plot.series.length !== data.length) {
        plot?.destroy();
        plot = this.makePlot(spec, chart, c);
        this.plots.set(spec.id, plot);
      }
      plot.setData(data);
      chart.dataset.points = String(data[0].length);
    }
    this.showLemmas();
  }

  private makePlot(spec: ChartSpec, target: HTMLElement, c: WidthCertificates): uPlot {
    const series: uPlot.Series[] = [{ label: spec.grid === 'gram' ? 'step k' : 'step k → k + 1' }];
    for (const line of spec.lines) {
      if (line.kind === 'constant' && c.constants?.[line.of] === undefined) continue;
      const bound = line.kind === 'constant' || line.bound;
      series.push({
        label: line.label, width: bound ? 1.5 : 2, stroke: bound ? BOUND_COLOUR : line.kind === 'series' && line.colour ? line.colour : MEASURED_COLOUR,
        ...(bound ? { dash: line.kind === 'constant' && line.of === 'lemma32Radius' ? [2, 4] : BOUND_DASH } : {}),
        ...(spec.grid === 'gram' ? { points: { show: true, size: 5 } } : {}),
      });
    }
    const style = { stroke: '#222', grid: { stroke: '#e3e3e3', width: 1 }, ticks: { stroke: '#bbb', width: 1 } };
    return new uPlot({
      width: Math.max(MIN_CHART_WIDTH, target.clientWidth),
      height: 220,
      legend: { show: true, live: false },
      scales: { x: { time: false }, y: spec.log ? { distr: 3, log: 10 } : {} },
      axes: [
        { ...style, label: 'step k' },
        { ...style, size: 64, values: (_u, ticks) => ticks.map((v) => (spec.log && !Number.isInteger(Math.log10(v)) ? '' : fmt(v, 3, 2))) },
      ],
      series,
    }, [[]], target);
  }

  private fitWidths(): void {
    for (const [id, plot] of this.plots) {
      const width = Math.max(MIN_CHART_WIDTH, this.figures.get(id)!.chart.clientWidth);
      if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height: plot.height });
    }
  }

  /** Under each chart: its lemma (the summary's source), the verdict and the slack so far. */
  private showLemmas(): void {
    const summary = this.data[this.shown]?.summary ?? [];
    for (const spec of CHARTS) {
      const { lemma } = this.figures.get(spec.id)!;
      const check = summary.find((s) => s.id === spec.check);
      lemma.replaceChildren(document.createTextNode(check?.source ?? spec.source));
      if (!check) continue;
      const verdict = Object.assign(document.createElement('span'), {
        className: check.pass ? 'pass' : 'fail', textContent: check.pass ? 'holds' : `fails at ${check.failures} of ${check.checked}`,
      });
      lemma.append(': ', verdict, check.looseness ? `, ${fmt(check.looseness.median, 2)} orders of magnitude loose (median)` : '');
    }
  }

  /** The pass/fail table and the constants line of the shown width. */
  private showSummary(): void {
    const c = this.data[this.shown];
    const summary = this.refused ? [] : c?.summary ?? [];
    this.state.summary = summary;
    this.state.final = c?.final ?? false;
    this.state.series = this.refused ? undefined : c?.series;
    this.state.gram = this.refused ? undefined : c?.gram;
    this.t.table.tBodies[0].replaceChildren(...summary.map((check) => {
      const row = document.createElement('tr');
      row.dataset.check = check.id;
      row.dataset.pass = String(check.pass);
      const cells = [
        check.source, check.statement, check.pass ? 'holds' : 'fails', String(check.checked), String(check.failures),
        check.looseness ? fmt(check.looseness.median, 3) : '–', check.looseness ? fmt(check.looseness.min, 3) : '–',
      ];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.setAttribute('scope', 'row');
        cell.textContent = text;
        row.append(cell);
      });
      return row;
    }));
    const k = c?.constants;
    this.t.constants.textContent = k && !this.refused
      ? `m = ${this.widths[this.shown]}: λ0 = ${fmt(k.lambda0)}, δ = ${k.delta}, R′ = ${fmt(k.corollary41Radius)}` +
        (k.lemma32Radius !== undefined ? `, Lemma 3.2's R = ${fmt(k.lemma32Radius)}` : '') +
        (k.lemma34 ? `; Lemma 3.4 (R′ < R) ${k.lemma34.holds ? 'holds' : `fails: it would hold from m ≈ ${fmt(k.lemma34.widthNeeded, 3)}`}` : '') +
        (c.final ? '.' : ' (so far).')
      : '';
    if (this.recording && !this.refused && c) {
      this.t.note.textContent = c.final ? `Certificates of m = ${this.widths[this.shown]} after ${this.state.steps[this.shown]} steps.`
        : this.state.steps[this.shown] > 0 ? `Recording m = ${this.widths[this.shown]}: ${this.state.steps[this.shown]} steps so far…`
          : `m = ${this.widths[this.shown]} has not started yet.`;
    }
  }

  destroy(): void {
    if (this.redrawTimer !== undefined) clearTimeout(this.redrawTimer);
    for (const plot of this.plots.values()) plot.destroy();
    this.plots.clear();
  }
}
