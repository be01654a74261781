import type { Activation } from '../../src/activations';
import type { OutputInit } from '../../src/parametrisation';
import type { Optimizer } from '../../src/index';

// A run's parameters, their round trip through the page's URL, and the inputs they define: the
// query string holds everything a run depends on, so a copied link reproduces the run number for number.

/** A labelled point the user placed on the 2-D canvas, coordinates in [−1, 1]². */
export interface LabelledPoint {
  x: number;
  y: number;
  /** The target y_i: +1 or −1. */
  label: 1 | -1;
}

/** Everything a run depends on. */
export interface RunParams {
  dataset: 'sphere' | 'points';
  /** Sphere data: number of inputs and their dimension. */
  n: number;
  d: number;
  /** Points data: the user's points, and whether each (x, y) becomes (x, y, 1)/‖(x, y, 1)‖. */
  points: LabelledPoint[];
  liftPoints: boolean;
  widths: number[];
  /** Step size; undefined means the suggested 1/λ_max(H∞). */
  eta: number | undefined;
  steps: number;
  seed: number;
  /** Also train the output weights a (the paper keeps them fixed); the theory then uses H* + K^a. */
  joint: boolean;
  /** The activation ψ (the paper's: relu); the theory uses its limit kernel H*. */
  activation: Activation;
  /** α in f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (the paper's: 1). */
  outputScale: number;
  /** γ (the paper's: ½; 1 is the mean-field scaling). */
  widthExponent: number;
  /** a(0): ±1 (the paper's), N(0, 1), or symmetric pairs (f(W(0)) = 0). */
  outputInit: OutputInit;
  /** Leaky ReLU's slope s of ψ(z) = max(z, sz) (used only with activation 'leakyRelu'). */
  negativeSlope: number;
  /** κ of w_r(0) ~ N(0, κ²I) (the paper's: 1); smooth ψ's H* depends on it. */
  scale: number;
  /** The optimiser (DESIGN §7.4): plain GD (the paper's), heavy ball, Nesterov or mini-batch SGD. */
  optimizer: OptimizerKind;
  /** Heavy ball's and Nesterov's β; SGD's momentum (0: none). */
  beta: number;
  /** SGD's mini-batch size b (≤ n). */
  batchSize: number;
}

/** The optimisers of the selector (train's `optimizer.kind`). */
export type OptimizerKind = Optimizer['kind'];

/** The activations of the selector, in the library's order (src/activations.ts). */
export const ACTIVATION_CHOICES: readonly Activation[] =
  ['relu', 'leakyRelu', 'softplus', 'sigmoid', 'tanh', 'erf', 'gelu', 'quadratic', 'linear'];
/** The output initialisations (src/parametrisation.ts). */
export const OUTPUT_INIT_CHOICES: readonly OutputInit[] = ['sign', 'gaussian', 'symmetric'];
/** The optimisers (src/training/optimizer.ts). */
export const OPTIMIZER_CHOICES: readonly OptimizerKind[] = ['gd', 'momentum', 'nesterov', 'sgd'];

/** The limits the form enforces: large enough for the paper's size, small enough for a tab. */
export const LIMITS = {
  n: [1, 2000],
  d: [1, 2000],
  width: [1, 20000],
  widthCount: [1, 6],
  steps: [0, 50000],
  seed: [0, 2 ** 32 - 1],
  points: [1, 500],
  /** The α slider's range (log scale): from feature learning (0.01) to lazy training (100). */
  outputScale: [0.01, 100],
  widthExponent: [0, 2],
  /** gramInfinity's range for leaky ReLU's slope. */
  negativeSlope: [0, 1],
  /**
   * κ. The quadrature activations (softplus, sigmoid, tanh, GELU) only converge up to about
   * κ‖x‖ = 2.5 (tanh) to 4: above that the page shows the library's NOT_CONVERGED message.
   */
  scale: [0.05, 10],
  beta: [0, 0.999],
  batchSize: [1, 2000],
} as const;

/** The demo size of DESIGN §6: n = 100, d = 10, m ∈ {100, 1000, 10000}. */
export const DEFAULT_PARAMS: RunParams = {
  dataset: 'sphere',
  n: 100,
  d: 10,
  points: [],
  liftPoints: true,
  widths: [100, 1000, 10000],
  eta: undefined,
  steps: 200,
  seed: 0,
  joint: false,
  activation: 'relu',
  outputScale: 1,
  widthExponent: 0.5,
  outputInit: 'sign',
  negativeSlope: 0.01,
  scale: 1,
  optimizer: 'gd',
  beta: 0.9,
  batchSize: 10,
};

/**
 * train()'s `optimizer` for the run's choice: heavy ball and Nesterov with β; SGD with b, its
 * momentum only when β > 0, and the run's seed for its shuffles (one seed for the whole run).
 */
export function optimizerOf(p: RunParams): Optimizer {
  switch (p.optimizer) {
    case 'momentum': case 'nesterov': return { kind: p.optimizer, beta: p.beta };
    case 'sgd': return { kind: 'sgd', batchSize: p.batchSize, seed: p.seed, ...(p.beta > 0 ? { momentum: p.beta } : {}) };
    default: return { kind: 'gd' };
  }
}

/** The α slider moves log10 α: α = 10^v, to three significant digits so the URL holds it exactly. */
export function alphaFromSlider(position: number): number {
  return Number((10 ** position).toPrecision(3));
}

/** The slider position of α, clamped to the slider's range. */
export function sliderFromAlpha(alpha: number): number {
  const [lo, hi] = LIMITS.outputScale;
  return Math.log10(Math.min(hi, Math.max(lo, alpha)));
}

/** Number of inputs of the run. */
export function inputCount(p: RunParams): number {
  return p.dataset === 'sphere' ? p.n : p.points.length;
}

/** Parses a whole number in [lo, hi]; on failure reports it in `errors` and returns undefined. */
export function integerIn(text: string, name: string, [lo, hi]: readonly [number, number], errors: string[]): number | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < lo || value > hi) {
    errors.push(`${name} must be a whole number from ${lo} to ${hi}, got “${text}”`);
    return undefined;
  }
  return value;
}

/** Parses a comma- or space-separated list of widths. */
export function parseWidths(text: string, errors: string[]): number[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  const widths: number[] = [];
  for (const part of parts) {
    const m = integerIn(part, 'each width m', LIMITS.width, errors);
    if (m !== undefined && !widths.includes(m)) widths.push(m);
  }
  const [lo, hi] = LIMITS.widthCount;
  if (widths.length < lo || widths.length > hi) errors.push(`give ${lo} to ${hi} different widths, got ${widths.length}`);
  return widths;
}

/** Parses a number in [lo, hi]; on failure reports it in `errors` and returns undefined. */
export function numberIn(text: string, name: string, [lo, hi]: readonly [number, number], errors: string[]): number | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < lo || value > hi) {
    errors.push(`${name} must be a number from ${lo} to ${hi}, got “${text}”`);
    return undefined;
  }
  return value;
}

/** Parses one of `choices`; on failure reports it in `errors`. */
function choiceOf<T extends string>(text: string, name: string, choices: readonly T[], errors: string[]): T | undefined {
  if ((choices as readonly string[]).includes(text)) return text as T;
  errors.push(`${name} must be one of ${choices.join(', ')}, got “${text}”`);
  return undefined;
}

/** Parses η: empty or “auto” means the suggested value. */
export function parseEta(text: string, errors: string[]): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'auto') return undefined;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value <= 0) {
    errors.push(`η must be a positive number (or empty for the suggested value), got “${text}”`);
    return undefined;
  }
  return value;
}

/** Points as “x,y,label;…” with coordinates rounded to 1e-3 (the URL is the source of truth). */
function formatPoints(points: LabelledPoint[]): string {
  return points.map((p) => `${roundCoordinate(p.x)},${roundCoordinate(p.y)},${p.label > 0 ? 1 : -1}`).join(';');
}

/** Rounds a coordinate to the precision the URL keeps, so the page runs what a link would. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Inverse of {@link formatPoints}; malformed entries are reported, not guessed. */
function parsePoints(text: string, errors: string[]): LabelledPoint[] {
  const points: LabelledPoint[] = [];
  for (const entry of text.split(';').filter((part) => part.trim() !== '')) {
    const [x, y, label] = entry.split(',').map(Number);
    if (![x, y].every((v) => Number.isFinite(v) && Math.abs(v) <= 1) || (label !== 1 && label !== -1)) {
      errors.push(`point “${entry}” must be x,y,label with |x|, |y| ≤ 1 and label ±1`);
      continue;
    }
    points.push({ x: roundCoordinate(x), y: roundCoordinate(y), label });
  }
  return points;
}

/** Turns the user's 2-D points into inputs X (n×d, float32) and labels y. */
export function pointsToInputs(points: readonly LabelledPoint[], lift: boolean): { X: Float32Array; y: Float32Array; d: number } {
  // The network has no bias, so raw 2-D inputs only see directions from the origin (points on a
  // ray are parallel, hence degenerate). Lifting to (x, y, 1)/‖·‖ is the usual bias trick and puts
  // every input on the unit sphere, the paper's assumption ‖x_i‖ = 1.
  const d = lift ? 3 : 2;
  const X = new Float32Array(points.length * d);
  const y = new Float32Array(points.length);
  points.forEach((p, i) => {
    if (lift) {
      const norm = Math.sqrt(p.x * p.x + p.y * p.y + 1);
      X[i * 3] = p.x / norm;
      X[i * 3 + 1] = p.y / norm;
      X[i * 3 + 2] = 1 / norm;
    } else {
      X[i * 2] = p.x;
      X[i * 2 + 1] = p.y;
    }
    y[i] = p.label;
  });
  return { X, y, d };
}

/** Checks the parts that depend on each other (the dataset's size). */
export function validateParams(p: RunParams): string[] {
  const errors: string[] = [];
  if (p.dataset === 'points') {
    const [lo, hi] = LIMITS.points;
    if (p.points.length < lo) errors.push('add at least one point: click the canvas (Shift-click for label −1)');
    if (p.points.length > hi) errors.push(`at most ${hi} points, got ${p.points.length}`);
  }
  const n = inputCount(p);
  if (p.optimizer === 'sgd' && Number.isInteger(p.batchSize) && n >= 1 && p.batchSize > n) {
    errors.push(`the batch size b must be at most n = ${n} (SGD draws b of the n inputs a step), got ${p.batchSize}`);
  }
  const odd = p.widths.filter((m) => m % 2 !== 0);
  if (p.outputInit === 'symmetric' && odd.length > 0) {
    errors.push(`symmetric output initialisation pairs the neurons: every width must be even, got ${odd.join(', ')}`);
  }
  return errors;
}

/**
 * A one-line description of a run for the results table. The points themselves are left to the
 * link: written out they would be a single word thousands of pixels long.
 */
export function describeRun(p: RunParams): string {
  const data = p.dataset === 'sphere'
    ? `sphere data, n = ${p.n}, d = ${p.d}`
    : `${p.points.length} point${p.points.length === 1 ? '' : 's'}${p.liftPoints ? ' with a bias coordinate' : ''}`;
  const eta = p.eta === undefined ? 'suggested η' : `η = ${p.eta}`;
  const model = [
    p.activation !== 'relu' ? `ψ = ${p.activation}${p.activation === 'leakyRelu' ? ` (slope ${p.negativeSlope})` : ''}` : '',
    p.scale !== 1 ? `κ = ${p.scale}` : '', p.outputScale !== 1 ? `α = ${p.outputScale}` : '',
    p.widthExponent !== 0.5 ? `γ = ${p.widthExponent}` : '', p.outputInit !== 'sign' ? `a(0) ${p.outputInit}` : '',
    p.optimizer !== 'gd' ? describeOptimizer(p) : '',
  ].filter((part) => part !== '').map((part) => `; ${part}`).join('');
  return `Run: ${data}; m = ${p.widths.join(', ')}; ${eta}; ${p.steps} steps; seed ${p.seed}` +
    `${p.joint ? '; output layer trained too' : ''}${model}.`;
}

/** The optimiser in words: 'heavy ball β = 0.9', 'Nesterov β = 0.9', 'SGD, batch 10, momentum 0.9'. */
export function describeOptimizer(p: RunParams): string {
  switch (p.optimizer) {
    case 'momentum': return `heavy ball β = ${p.beta}`;
    case 'nesterov': return `Nesterov β = ${p.beta}`;
    case 'sgd': return `SGD, batch ${p.batchSize}${p.beta > 0 ? `, momentum ${p.beta}` : ''}`;
    default: return 'gradient descent';
  }
}

/** The URL query that reproduces `p` (only what differs from nothing: every field is explicit). */
export function toQuery(p: RunParams): string {
  const q = new URLSearchParams();
  q.set('data', p.dataset);
  if (p.dataset === 'sphere') {
    q.set('n', String(p.n));
    q.set('d', String(p.d));
  } else {
    q.set('pts', formatPoints(p.points));
    q.set('lift', p.liftPoints ? '1' : '0');
  }
  q.set('widths', p.widths.join(','));
  q.set('eta', p.eta === undefined ? 'auto' : String(p.eta));
  q.set('steps', String(p.steps));
  q.set('seed', String(p.seed));
  q.set('joint', p.joint ? '1' : '0');
  q.set('act', p.activation);
  q.set('alpha', String(p.outputScale));
  q.set('gamma', String(p.widthExponent));
  q.set('init', p.outputInit);
  if (p.activation === 'leakyRelu') q.set('slope', String(p.negativeSlope));
  q.set('kappa', String(p.scale));
  q.set('opt', p.optimizer);
  if (p.optimizer !== 'gd') q.set('beta', String(p.beta));
  if (p.optimizer === 'sgd') q.set('batch', String(p.batchSize));
  return q.toString();
}

/** Reads parameters from a URL query; missing fields take their defaults. */
export function fromQuery(search: string): { params: RunParams; errors: string[]; given: boolean } {
  const q = new URLSearchParams(search);
  const errors: string[] = [];
  const p: RunParams = { ...DEFAULT_PARAMS, points: [], widths: [...DEFAULT_PARAMS.widths] };
  const text = (key: string): string | undefined => q.get(key) ?? undefined;
  const data = text('data');
  if (data !== undefined) {
    if (data === 'sphere' || data === 'points') p.dataset = data;
    else errors.push(`data must be “sphere” or “points”, got “${data}”`);
  }
  const n = text('n'), d = text('d'), widths = text('widths'), eta = text('eta');
  const steps = text('steps'), seed = text('seed'), joint = text('joint'), pts = text('pts'), lift = text('lift');
  if (n !== undefined) p.n = integerIn(n, 'n', LIMITS.n, errors) ?? p.n;
  if (d !== undefined) p.d = integerIn(d, 'd', LIMITS.d, errors) ?? p.d;
  if (widths !== undefined) {
    const parsed = parseWidths(widths, errors);
    if (parsed.length > 0) p.widths = parsed;
  }
  if (eta !== undefined) p.eta = parseEta(eta, errors);
  if (steps !== undefined) p.steps = integerIn(steps, 'steps', LIMITS.steps, errors) ?? p.steps;
  if (seed !== undefined) p.seed = integerIn(seed, 'seed', LIMITS.seed, errors) ?? p.seed;
  if (joint !== undefined) p.joint = joint === '1' || joint === 'true';
  if (pts !== undefined) p.points = parsePoints(pts, errors);
  if (lift !== undefined) p.liftPoints = !(lift === '0' || lift === 'false');
  const act = text('act'), alpha = text('alpha'), gamma = text('gamma'), init = text('init');
  if (act !== undefined) p.activation = choiceOf(act, 'the activation', ACTIVATION_CHOICES, errors) ?? p.activation;
  if (alpha !== undefined) p.outputScale = numberIn(alpha, 'α (output scale)', LIMITS.outputScale, errors) ?? p.outputScale;
  if (gamma !== undefined) p.widthExponent = numberIn(gamma, 'γ (width exponent)', LIMITS.widthExponent, errors) ?? p.widthExponent;
  if (init !== undefined) p.outputInit = choiceOf(init, 'the output initialisation', OUTPUT_INIT_CHOICES, errors) ?? p.outputInit;
  const slope = text('slope'), kappa = text('kappa'), opt = text('opt'), beta = text('beta'), batch = text('batch');
  if (slope !== undefined) p.negativeSlope = numberIn(slope, 'the negative slope', LIMITS.negativeSlope, errors) ?? p.negativeSlope;
  if (kappa !== undefined) p.scale = numberIn(kappa, 'κ (weight scale)', LIMITS.scale, errors) ?? p.scale;
  if (opt !== undefined) p.optimizer = choiceOf(opt, 'the optimiser', OPTIMIZER_CHOICES, errors) ?? p.optimizer;
  if (beta !== undefined) p.beta = numberIn(beta, 'β (momentum)', LIMITS.beta, errors) ?? p.beta;
  if (batch !== undefined) p.batchSize = integerIn(batch, 'the batch size b', LIMITS.batchSize, errors) ?? p.batchSize;
  return { params: p, errors, given: [...q.keys()].length > 0 };
}
