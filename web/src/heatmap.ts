// Heatmaps of n×n kernels on a <canvas>, one pixel a cell (CSS scales it up without smoothing),
// with a colour bar. Sequential colours for H∞ and H(k), a diverging scale for H(k) − H(0).
import type { HeatmapData } from './protocol';
import { formatNumber } from '../../src/experiments/format';

type RGB = [number, number, number];

/** Viridis at five stops: perceptually even and readable in greyscale. */
const SEQUENTIAL: RGB[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
/** Blue – white – red (ColorBrewer RdBu ends), white at zero. */
const DIVERGING: RGB[] = [[33, 102, 172], [247, 247, 247], [178, 24, 43]];

function interpolate(stops: RGB[], t: number): RGB {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** How values map to colours. */
export type ColourScale = { kind: 'sequential'; min: number; max: number } | { kind: 'diverging'; maxAbs: number };

/** The [min, max] of several matrices, so panels that are compared share one scale. */
export function sharedRange(...maps: HeatmapData[]): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (const map of maps) {
    for (const v of map.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max: max > min ? max : min + 1 };
}

/** Entry-wise a − b. */
export function difference(a: HeatmapData, b: HeatmapData): HeatmapData {
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i] - b.data[i];
  return { size: a.size, data };
}

function colourAt(scale: ColourScale, value: number): RGB {
  return scale.kind === 'sequential'
    ? interpolate(SEQUENTIAL, (value - scale.min) / (scale.max - scale.min))
    : interpolate(DIVERGING, scale.maxAbs > 0 ? 0.5 + value / (2 * scale.maxAbs) : 0.5);
}

/** Draws `map` into `canvas` (resized to one pixel a cell). */
export function drawHeatmap(canvas: HTMLCanvasElement, map: HeatmapData, scale: ColourScale): void {
  canvas.width = map.size;
  canvas.height = map.size;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(map.size, map.size);
  for (let c = 0; c < map.data.length; c++) {
    const [r, g, b] = colourAt(scale, map.data[c]);
    image.data[4 * c] = r;
    image.data[4 * c + 1] = g;
    image.data[4 * c + 2] = b;
    image.data[4 * c + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

function format(value: number): string {
  return formatNumber(value, 3);
}

/** Fills `bar` with a CSS gradient of the scale and its end values. */
export function drawColourBar(bar: HTMLElement, scale: ColourScale): void {
  const stops = scale.kind === 'sequential' ? SEQUENTIAL : DIVERGING;
  const css = stops.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(100 * i) / (stops.length - 1)}%`).join(', ');
  const [low, high] = scale.kind === 'sequential' ? [scale.min, scale.max] : [-scale.maxAbs, scale.maxAbs];
  bar.replaceChildren();
  const gradient = document.createElement('span');
  gradient.className = 'bar';
  gradient.style.background = `linear-gradient(to right, ${css})`;
  const lowLabel = document.createElement('span');
  lowLabel.textContent = format(low);
  const highLabel = document.createElement('span');
  highLabel.textContent = format(high);
  bar.append(lowLabel, gradient, highLabel);
}
