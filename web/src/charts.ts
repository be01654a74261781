// The four live charts of a run (uPlot): the three curves of the paper's Figure 1 and λ_min(H(k)).
// Each width has its own colour; theory lines are dashed in that colour. Arrays are preallocated
// over k = 0..steps and filled as batches arrive; redraws are throttled so long runs stay cheap.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GramFloors, StepBatch } from './protocol';
import { formatCompact } from '../../src/experiments/format';

/** Okabe–Ito-like hues, darkened where needed for ≥ 4.5:1 contrast on white. */
const WIDTH_COLOURS = ['#0072B2', '#C2410C', '#007A5E', '#AA3377', '#8C6D00', '#333333'];
const REFERENCE_COLOUR = '#555555';
const INFINITE_WIDTH_DASH = [7, 4];
const BOUND_DASH = [2, 4];
const REDRAW_MILLISECONDS = 100;
/** Narrowest chart drawn, in CSS pixels: below a small phone's width, so the layout decides. */
const MIN_CHART_WIDTH = 200;

/** The elements the charts are drawn into. */
export interface ChartTargets {
  residual: HTMLElement;
  pattern: HTMLElement;
  distance: HTMLElement;
  lambda: HTMLElement;
  /** One legend for all four charts (per-chart legends would repeat every width three times). */
  legend: HTMLElement;
}

type Series = (number | null)[];

function emptySeries(length: number): Series {
  return new Array<number | null>(length).fill(null);
}

/** Axis labels: three significant digits, two in exponential form. */
function compact(value: number): string {
  return formatCompact(value, 3, 2);
}

/**
 * The x and y axes of a chart. The y labels drawn and the y range are also written on `target`
 * (data-y-ticks, data-y-min, data-y-max): the canvas cannot be read back as text by a test.
 */
function axes(target: HTMLElement, xLabel: string, yLabel: string, log: boolean): uPlot.Axis[] {
  const style = { stroke: '#222', grid: { stroke: '#e3e3e3', width: 1 }, ticks: { stroke: '#bbb', width: 1 } };
  return [
    { ...style, label: xLabel },
    {
      ...style, label: yLabel, size: 64,
      values: (_u, ticks) => {
        const labels = ticks.map((t) => (log && !Number.isInteger(Math.log10(t)) ? '' : compact(t)));
        target.dataset.yTicks = labels.filter((label) => label !== '').join(' ');
        return labels;
      },
    },
  ];
}

function logDrawable(value: number): number | null {
  return value > 0 && Number.isFinite(value) ? value : null;
}

/** Live charts for one run. */
export class RunCharts {
  private readonly xs: Float64Array;
  private readonly residual: Series[];
  private readonly bound: Series[];
  private readonly infinite: Series[];
  private readonly pattern: Series[];
  private readonly distance: Series[];
  private readonly lambda: Series[];
  private readonly lambdaLines: Series[];
  private readonly plots: uPlot[] = [];
  private readonly resizeObserver: ResizeObserver;
  private measuredMin = Infinity;
  private measuredMax = 0;
  private received = 0;
  private redrawTimer: number | undefined;
  private lastRedraw = 0;

  /** `onRedraw` is told the number of measured points drawn, after each drawing (the page times the first). */
  constructor(private readonly targets: ChartTargets, private readonly widths: number[], steps: number, floors: GramFloors,
              kernel = 'H∞', private readonly onRedraw?: (points: number) => void) {
    const length = steps + 1;
    this.xs = Float64Array.from({ length }, (_, k) => k);
    const perWidth = (): Series[] => widths.map(() => emptySeries(length));
    this.residual = perWidth();
    this.bound = perWidth();
    this.infinite = perWidth();
    this.pattern = perWidth();
    this.distance = perWidth();
    this.lambda = perWidth();
    this.lambdaLines = [floors.initial, floors.training].map((v) => new Array<number | null>(length).fill(v));

    const colour = (w: number): string => WIDTH_COLOURS[w % WIDTH_COLOURS.length];
    const measured = (w: number): uPlot.Series => ({ label: `m = ${widths[w]}`, stroke: colour(w), width: 2, spanGaps: false });
    const residualSeries: uPlot.Series[] = [{ label: 'step k' }];
    widths.forEach((m, w) => {
      residualSeries.push(measured(w));
      residualSeries.push({ label: `m = ${m}: infinite width`, stroke: colour(w), width: 1.5, dash: INFINITE_WIDTH_DASH });
      residualSeries.push({ label: `m = ${m}: bound (1 − ηλ0/2)^k`, stroke: colour(w), width: 1.5, dash: BOUND_DASH });
    });

    const base = (target: HTMLElement, xLabel: string, yLabel: string, log = false): Omit<uPlot.Options, 'series'> => ({
      width: Math.max(MIN_CHART_WIDTH, target.clientWidth),
      height: 260,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      axes: axes(target, xLabel, yLabel, log),
      scales: { x: { time: false } },
      hooks: {
        draw: [(u) => {
          target.dataset.yMin = String(u.scales.y.min);
          target.dataset.yMax = String(u.scales.y.max);
        }],
      },
    });

    this.plots.push(new uPlot({
      ...base(targets.residual, 'step k', '‖y − u(k)‖²', true),
      scales: {
        x: { time: false },
        y: { distr: 3, log: 10, range: (_u, min, max) => this.residualRange(min, max) },
      },
      series: residualSeries,
    }, this.residualData(), targets.residual));
    this.plots.push(new uPlot({
      ...base(targets.pattern, 'step k', 'fraction changed'),
      series: [{ label: 'step k' }, ...widths.map((_, w) => measured(w))],
    }, [this.xs, ...this.pattern], targets.pattern));
    this.plots.push(new uPlot({
      ...base(targets.distance, 'step k', 'max_r ‖w_r(k) − w_r(0)‖'),
      series: [{ label: 'step k' }, ...widths.map((_, w) => measured(w))],
    }, [this.xs, ...this.distance], targets.distance));
    this.plots.push(new uPlot({
      ...base(targets.lambda, 'step k', 'λ_min(H(k))'),
      series: [
        { label: 'step k' },
        ...widths.map((_, w): uPlot.Series => ({ ...measured(w), spanGaps: true, points: { show: true, size: 5 } })),
        { label: '¾ λ0 (Lemma 3.1)', stroke: REFERENCE_COLOUR, width: 1.5, dash: INFINITE_WIDTH_DASH },
        { label: 'λ0 / 2 (Lemma 3.2)', stroke: REFERENCE_COLOUR, width: 1.5, dash: BOUND_DASH },
      ],
    }, [this.xs, ...this.lambda, ...this.lambdaLines], targets.lambda));

    this.resizeObserver = new ResizeObserver(() => this.fitWidths());
    for (const target of this.chartElements()) this.resizeObserver.observe(target);
    renderLegend(targets.legend, widths, kernel);
  }

  /**
   * The residual chart's y range. Theory lines can fall to 1e-300 or, past the stability limit,
   * climb to 1e229 (and a scale that wide gets no tick labels): once something is measured the
   * scale keeps to the measurements, two decades either side, and the lines are cut at its edges.
   */
  private residualRange(min: number, max: number): uPlot.Range.MinMax {
    if (this.measuredMax > 0) {
      min = Math.max(min, this.measuredMin / 100);
      max = Math.min(max, this.measuredMax * 100);
    } else {
      // Only theory so far: four decades below its top (a line falling to subnormal numbers
      // would ask for more tick marks than an array can hold).
      min = Math.max(min, max / 1e4);
    }
    return uPlot.rangeLog(min, max, 10, true);
  }

  private chartElements(): HTMLElement[] {
    return [this.targets.residual, this.targets.pattern, this.targets.distance, this.targets.lambda];
  }

  private residualData(): uPlot.AlignedData {
    const data: Series[] = [];
    this.widths.forEach((_, w) => data.push(this.residual[w], this.infinite[w], this.bound[w]));
    return [this.xs, ...data];
  }

  private fitWidths(): void {
    const targets = this.chartElements();
    this.plots.forEach((plot, i) => {
      const width = Math.max(MIN_CHART_WIDTH, targets[i].clientWidth);
      if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height: plot.height });
    });
  }

  /** Dashed theory lines of width `w`: the bound and the infinite-width trajectory. */
  setTheory(w: number, bound: readonly number[], infiniteWidth: readonly number[]): void {
    for (let k = 0; k < bound.length && k < this.xs.length; k++) {
      // A log scale can draw neither 0, negative values (a factor 1 − ηλ0/2 below 0) nor ∞.
      this.bound[w][k] = logDrawable(bound[k]);
      this.infinite[w][k] = logDrawable(infiniteWidth[k]);
    }
    this.scheduleRedraw();
  }

  /** Measured values of one batch of steps. */
  addSteps(batch: StepBatch): void {
    const w = batch.widthIndex;
    for (let i = 0; i < batch.residualSq.length; i++) {
      const k = batch.fromStep + i;
      const r = batch.residualSq[i];
      const drawable = r > 0 && Number.isFinite(r);
      this.residual[w][k] = drawable ? r : null;
      if (drawable && r < this.measuredMin) this.measuredMin = r;
      if (drawable && r > this.measuredMax) this.measuredMax = r;
      this.pattern[w][k] = batch.patternChangeFraction[i];
      this.distance[w][k] = batch.maxWeightDistance[i];
    }
    batch.lambdaSteps.forEach((k, i) => { this.lambda[w][k] = batch.lambdaValues[i]; });
    this.received += batch.residualSq.length;
    this.scheduleRedraw();
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer !== undefined) return;
    const wait = Math.max(0, REDRAW_MILLISECONDS - (performance.now() - this.lastRedraw));
    this.redrawTimer = window.setTimeout(() => {
      this.redrawTimer = undefined;
      requestAnimationFrame(() => this.redraw());
    }, wait);
  }

  /** Draws the current data now. */
  redraw(): void {
    this.lastRedraw = performance.now();
    const [residual, pattern, distance, lambda] = this.plots;
    residual.setData(this.residualData());
    pattern.setData([this.xs, ...this.pattern]);
    distance.setData([this.xs, ...this.distance]);
    lambda.setData([this.xs, ...this.lambda, ...this.lambdaLines]);
    for (const target of this.chartElements()) target.dataset.points = String(this.received);
    this.onRedraw?.(this.received);
  }

  destroy(): void {
    if (this.redrawTimer !== undefined) clearTimeout(this.redrawTimer);
    this.resizeObserver.disconnect();
    for (const plot of this.plots) plot.destroy();
    for (const target of this.chartElements()) {
      for (const key of ['points', 'yTicks', 'yMin', 'yMax']) delete target.dataset[key];
    }
    this.targets.legend.replaceChildren();
  }
}

/** A short line sample in the given colour and dash pattern, as inline SVG (decorative). */
function lineSample(colour: string, dash: number[] = []): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '34');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  for (const [name, value] of [['x1', '1'], ['y1', '5'], ['x2', '33'], ['y2', '5'], ['stroke', colour], ['stroke-width', '2.5']]) {
    line.setAttribute(name, value);
  }
  if (dash.length > 0) line.setAttribute('stroke-dasharray', dash.join(' '));
  svg.append(line);
  return svg;
}

function renderLegend(target: HTMLElement, widths: number[], kernel: string): void {
  const item = (sample: SVGSVGElement, text: string): HTMLLIElement => {
    const li = document.createElement('li');
    li.append(sample, document.createTextNode(text));
    return li;
  };
  const list = document.createElement('ul');
  widths.forEach((m, w) => list.append(item(lineSample(WIDTH_COLOURS[w % WIDTH_COLOURS.length]), `m = ${m}`)));
  list.append(
    item(lineSample('#1a1a1a'), 'measured'),
    item(lineSample('#1a1a1a', INFINITE_WIDTH_DASH), `infinite width (${kernel})`),
    item(lineSample('#1a1a1a', BOUND_DASH), 'bound (1 − ηλ0/2)^k ‖y − u(0)‖²'),
    item(lineSample(REFERENCE_COLOUR, INFINITE_WIDTH_DASH), '¾ λ0'),
    item(lineSample(REFERENCE_COLOUR, BOUND_DASH), 'λ0 / 2'),
  );
  target.replaceChildren(list);
}
