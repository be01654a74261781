// The demo's label-noise panel (issue 15 §4): a slider for the fraction p of random labels on the
// UCI digits, the label spectrum as projection bars (v_iᵀy)² over H∞'s top modes, and the decay of
// the three top and three bottom modes, measured |p_i(k)| solid against the kernel regime's
// (1 − ηλ_i)^k p_i(0) dashed. Self-contained: it builds its own section and runs its own worker.
import { formatCompact as fmt } from '../../src/experiments/format';
import type { LabelsReply, LabelsRequest } from './labelsWorker';

/** What the panel exposes for tests and the console: its last run's numbers. */
export interface LabelsPanelResult {
  status: 'idle' | 'running' | 'done' | 'error';
  p?: number;
  bound?: number;
  distance?: number;
  measuredDistance?: number;
  testError?: number;
  relativeResidual?: number;
  /** (v_iᵀy)² of the modes drawn as bars, eigenvalues descending. */
  energy?: number[];
  modes?: number[];
  error?: string;
}

declare global {
  interface Window {
    __overparamLabels?: LabelsPanelResult;
  }
}

/** The panel's run size: about a second or two in a browser. */
const SIZE = { n: 100, nTest: 400, m: 1000, steps: 200, seed: 0 } as const;
/** Modes drawn as bars. */
const BARS = 40;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function make<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function canvasContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  return ctx;
}

/** Bars of (v_iᵀy)² for the top modes, as a share of ‖y‖². */
function drawBars(canvas: HTMLCanvasElement, energy: number[]): void {
  const ctx = canvasContext(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const total = energy.reduce((s, v) => s + v, 0) || 1;
  const shown = energy.slice(0, BARS).map((v) => v / total);
  const top = Math.max(...shown, 1e-12);
  const left = 36, bottom = height - 20, plotWidth = width - left - 8, plotHeight = bottom - 12;
  ctx.fillStyle = '#222';
  ctx.fillText(`${fmt(top * 100)} %`, 2, 14);
  ctx.fillText('0', 2, bottom);
  ctx.fillText(`mode i (eigenvalues descending), 1 … ${shown.length}`, left, height - 4);
  const bar = plotWidth / shown.length;
  ctx.fillStyle = '#1f77b4';
  shown.forEach((v, i) => {
    const h = (v / top) * plotHeight;
    ctx.fillRect(left + i * bar + 1, bottom - h, Math.max(1, bar - 2), h);
  });
}

/** |p_i(k)| on a log scale: measured solid, kernel regime dashed, one colour a mode. */
function drawDecay(canvas: HTMLCanvasElement, modes: { modes: number[]; steps: number[]; measured: number[][]; predicted: number[][] }): void {
  const ctx = canvasContext(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const values = [...modes.measured.flat(), ...modes.predicted.flat()].map(Math.abs).filter((v) => v > 0);
  if (values.length === 0) return;
  const hi = Math.log10(Math.max(...values)), lo = Math.max(Math.log10(Math.min(...values)), hi - 6);
  const left = 36, bottom = height - 20, plotWidth = width - left - 8, plotHeight = bottom - 12;
  const last = modes.steps[modes.steps.length - 1] || 1;
  const x = (k: number) => left + (k / last) * plotWidth;
  const y = (v: number) => bottom - ((Math.log10(Math.max(Math.abs(v), 10 ** lo)) - lo) / (hi - lo || 1)) * plotHeight;
  ctx.fillStyle = '#222';
  ctx.fillText(`1e${hi.toFixed(1)}`, 2, 14);
  ctx.fillText(`1e${lo.toFixed(1)}`, 2, bottom);
  ctx.fillText(`step k, 0 … ${last}`, left, height - 4);
  modes.modes.forEach((mode, j) => {
    ctx.strokeStyle = COLOURS[j % COLOURS.length];
    const styles: [number[][], number[]][] = [[modes.measured, []], [modes.predicted, [5, 4]]];
    for (const [rows, dash] of styles) {
      ctx.setLineDash(dash);
      ctx.beginPath();
      modes.steps.forEach((k, s) => { const px = x(k), py = y(rows[s][j]); if (s === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.fillStyle = COLOURS[j % COLOURS.length];
    ctx.fillText(`i = ${mode + 1}`, width - 44, 14 + 13 * j);
  });
}

/**
 * Builds the label-noise panel at the end of `container` and wires it: the slider picks p, the
 * button trains one net on the digits with that fraction of random labels (in its own worker).
 */
export function mountLabelsPanel(container: HTMLElement): void {
  const section = make('section', { id: 'labels-panel', 'aria-labelledby': 'labels-title' });
  section.append(make('h2', { id: 'labels-title' }, 'Label noise on real digits (Arora et al., ICML 2019)'));
  section.append(make('p', {}, `Even vs odd UCI digits, n = ${SIZE.n}, m = ${SIZE.m}, ${SIZE.steps} GD steps from u(0) = 0: ` +
    'a fraction p of the labels is replaced by random ±1. True labels sit on H∞\'s top modes and are fitted fast; random labels ' +
    'spread over the small eigenvalues, and the bound √(2yᵀ(H∞)⁻¹y/n) grows with the test error.'));
  const controls = make('div', { class: 'labels-controls' });
  const label = make('label', { for: 'labels-noise' }, 'fraction of random labels p = ');
  const value = make('output', { id: 'labels-noise-value', for: 'labels-noise' }, '0');
  const slider = make('input', { id: 'labels-noise', type: 'range', min: '0', max: '1', step: '0.1', value: '0' });
  const button = make('button', { id: 'labels-run', type: 'button' }, 'Train on digits');
  const status = make('span', { id: 'labels-status', role: 'status' });
  label.append(value);
  controls.append(label, slider, button, status);
  const figures = make('div', { class: 'labels-figures' });
  const barsFigure = make('figure');
  const bars = make('canvas', { id: 'labels-bars', width: '360', height: '200', 'aria-label': 'label spectrum bars' });
  barsFigure.append(bars, make('figcaption', {}, `(v_iᵀy)²/‖y‖² for the ${BARS} top modes of H∞`));
  const decayFigure = make('figure');
  const decay = make('canvas', { id: 'labels-decay', width: '360', height: '200', 'aria-label': 'mode decay' });
  decayFigure.append(decay, make('figcaption', {}, '|p_i(k)| of the 3 top and 3 bottom modes: measured solid, (1 − ηλ_i)^k p_i(0) dashed'));
  figures.append(barsFigure, decayFigure);
  const numbers = make('p', { id: 'labels-numbers' });
  section.append(controls, figures, numbers);
  container.append(section);
  for (const canvas of [bars, decay]) Object.assign(canvas.style, { width: '360px', maxWidth: '100%', height: '200px', border: '1px solid #ccc' });

  window.__overparamLabels = { status: 'idle' };
  let worker: Worker | undefined;
  let id = 0;
  slider.addEventListener('input', () => { value.textContent = slider.value; });
  button.addEventListener('click', () => {
    worker?.terminate();
    worker = new Worker(new URL('./labelsWorker.ts', import.meta.url), { type: 'module' });
    const p = Number(slider.value);
    const request: LabelsRequest = { id: ++id, p, ...SIZE };
    window.__overparamLabels = { status: 'running', p };
    status.textContent = `training with p = ${p}…`;
    worker.onmessage = (event: MessageEvent<LabelsReply>) => {
      const reply = event.data;
      if (reply.id !== id) return;
      if (reply.type === 'error') {
        status.textContent = reply.message;
        window.__overparamLabels = { status: 'error', p, error: reply.message };
        return;
      }
      const { run } = reply;
      const testError = run.testError.value[run.testError.value.length - 1];
      drawBars(bars, run.spectrum.energy);
      drawDecay(decay, run.modes);
      status.textContent = `done in ${fmt(reply.seconds)} s`;
      numbers.textContent = `p = ${p}: bound √(2yᵀ(H∞)⁻¹y/n) = ${fmt(run.bound)}; ‖W − W(0)‖_F = ${fmt(run.measuredDistance)} ` +
        `(Lemma 5.3: √(yᵀ(H∞)⁻¹y) = ${fmt(run.distance)}); ‖y − u(K)‖²/‖y‖² = ${fmt(run.relativeResidual)}; ` +
        `test error ${fmt(100 * testError)} % on ${reply.nTest} digits by other writers.`;
      window.__overparamLabels = {
        status: 'done', p, bound: run.bound, distance: run.distance, measuredDistance: run.measuredDistance, testError,
        relativeResidual: run.relativeResidual, energy: run.spectrum.energy.slice(0, BARS), modes: run.modes.modes,
      };
    };
    worker.postMessage(request);
  });
}
