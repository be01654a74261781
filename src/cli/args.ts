// Command-line arguments of `overparam figure1` and `overparam train`, parsed with node:util's
// parseArgs (built in: no dependency) and checked here, so the commands receive typed settings.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ModeSelection } from '../experiments/modes.js';
import type { Optimizer } from '../training/optimizer.js';
import { ACTIVATIONS, DEFAULT_NEGATIVE_SLOPE, type Activation } from '../activations.js';
import { OUTPUT_INITS, WIDTH_EXPONENT_RANGE, type OutputInit } from '../parametrisation.js';
import { DEFAULT_FLOW_TOLERANCE } from '../experiments/proof.js';

/** A wrong command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The model's settings, shared by figure1 and train (DESIGN §7.1). */
export interface ModelSettings {
  /** --optimizer, --beta, --batch-size (DESIGN §7.4); absent: plain GD, the paper's. */
  optimizer?: Optimizer;
  /** ψ (default 'relu'). */
  activation: Activation;
  /** Leaky ReLU's slope; present only with activation 'leakyRelu'. */
  negativeSlope?: number;
  /** κ of w_r(0) ~ N(0, κ²I) (default 1). */
  scale: number;
  /** α (default 1). */
  outputScale: number;
  /** γ (default ½). */
  widthExponent: number;
  /** a(0) (default 'sign'). */
  outputInit: OutputInit;
}

/** Settings of `overparam figure1`. */
export interface Figure1Settings extends ModelSettings {
  preset: PresetName;
  n: number;
  d: number;
  widths: number[];
  /** GD steps; absent with --flow (the flow rule chooses them). */
  steps?: number;
  /** Undefined: derived from λ_max(H(0)) (suggestStepSize's rule). */
  eta?: number;
  seed: number;
  trials: number;
  joint: boolean;
  testPoints: number;
  gramEvery?: number;
  /** --modes: the eigenmodes of the limit kernel whose projections are recorded (issue 15). */
  modes?: ModeSelection;
  /** --certificates: the proof's quantities per step for the widest net (train's `certificates`). */
  certificates?: boolean;
  /** --flow T [--flow-tolerance ε]: η and the steps from the flow rule (train's `flow`); steps is then absent. */
  flow?: FlowSettings;
  out: string;
}

/** --flow T and --flow-tolerance ε: follow gradient flow up to t = T (train's `flow`). */
export interface FlowSettings {
  horizon: number;
  /** Absent: train's default (DEFAULT_FLOW_TOLERANCE). */
  tolerance?: number;
}

/** Settings of `overparam train`. */
export interface TrainSettings extends ModelSettings {
  n: number;
  d: number;
  m: number;
  /** GD steps; absent with --flow (the flow rule chooses them). */
  steps?: number;
  eta?: number;
  seed: number;
  joint: boolean;
  /** CSV with one point a line: x_1, …, x_d, y. */
  data?: string;
  gramEvery?: number;
  /** --flow T [--flow-tolerance ε]: η and the steps from the flow rule (train's `flow`); steps is then absent. */
  flow?: FlowSettings;
  out: string;
}

export type PresetName = 'quick' | 'paper';

/**
 * The figure1 presets. quick: about 4 s on a 2-core machine (measured: see README);
 * paper: the paper's size (n = d = 1000, widths two decades apart, 100 steps).
 */
const PRESETS: Record<PresetName, Required<Omit<Figure1Settings, 'preset' | 'out' | 'eta' | 'gramEvery' | 'modes' | 'certificates' | 'flow' | keyof ModelSettings>>> = {
  quick: { n: 500, d: 500, widths: [100, 1000, 10000], steps: 100, seed: 0, trials: 1, joint: false, testPoints: 100 },
  paper: { n: 1000, d: 1000, widths: [100, 1000, 10000], steps: 100, seed: 0, trials: 1, joint: false, testPoints: 200 },
};

/** -h/--help, the flag every command takes. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** The model's and the optimiser's flags, the same in figure1's and train's help. */
const MODEL_USAGE = `  --activation <name>     the activation ψ: ${ACTIVATIONS.join(', ')} (default relu,
                          the paper's); the theory's lines use its limit kernel H*
  --negative-slope <s>    leaky ReLU's slope s in [0, 1] (default ${DEFAULT_NEGATIVE_SLOPE}; --activation leakyRelu only)
  --scale <κ>             w_r(0) ~ N(0, κ²I) (default 1); smooth ψ's kernels depend on κ
  --output-scale <α>      f = α·m^(−γ)·Σ a_r ψ(w_rᵀx), α > 0 (default 1); large α trains lazily
  --width-exponent <γ>    γ in [${WIDTH_EXPONENT_RANGE[0]}, ${WIDTH_EXPONENT_RANGE[1]}] (default 0.5, the paper's NTK scaling; 1 is mean field)
  --output-init <init>    a(0): sign (default, ±1), gaussian (N(0, 1)) or symmetric (pairs with
                          opposite a_r and equal w_r, so f(W(0)) = 0; widths must be even)
  --optimizer <kind>      gd (default), momentum (heavy ball), nesterov or sgd (DESIGN §7.4)
  --beta <β>              momentum/nesterov's β in [0, 1) (required), sgd's momentum (optional)
  --batch-size <int>      sgd's mini-batch size b (required with sgd); gradients scaled by n/b`;

/** --flow and --flow-tolerance, the same in figure1's and train's help. */
const FLOW_USAGE = `  --flow <T>              follow gradient flow up to time T: η and the steps chosen from λ_max(H(0))
                          so that GD and the flow differ by less than the tolerance (replaces
                          --eta and --steps; plain GD only); the time axis is t = ηk
  --flow-tolerance <ε>    that tolerance, in (0, 0.5) (default ${DEFAULT_FLOW_TOLERANCE}; steps grow like 1/ε)`;

export const FIGURE1_USAGE = `Usage: overparam figure1 [options]

Reproduces the paper's Figure 1 (Du et al., ICLR 2019) with the theory's lines, and writes
results.json, one CSV per curve, SVG charts and report.html to --out.

Options:
  --preset <quick|paper>  quick (default): n = d = ${PRESETS.quick.n}, about 4 s on 2 cores (measured 3.6 s);
                          paper: n = d = ${PRESETS.paper.n}, the paper's size, about 10–20 s
  --n <int>               number of points on the unit sphere
  --d <int>               input dimension
  --widths <list>         comma-separated widths m (default ${PRESETS.quick.widths.join(',')})
  --steps <int>           gradient-descent steps (default ${PRESETS.quick.steps})
  --eta <number>          step size (default: 1/(2 λ_max(H(0))) over all widths, a quarter of
                          the stability limit; the theory's λ0/n² is reported beside it)
  --seed <int>            seed of the data; trial t's networks use seed + 1 + t (default 0)
  --trials <int>          networks per width (default 1); curves are averaged
  --joint                 also train the output layer a (the paper keeps it fixed); the
                          theory then uses H* + K^a, the limit of both layers
${MODEL_USAGE}
  --test-points <int>     held-out points for the kernel-predictor comparison (0: none)
  --gram-every <int>      record λ_min(H(k)) every this many steps (default steps/10)
  --modes <K|all>         record the residual on the top K and bottom K eigenmodes of the limit
                          kernel (or all), beside their kernel-regime decay (Arora et al. 2019)
  --certificates          measure the proof step by step on the widest net (every lemma's
                          quantity against its bound; report section "The proof, step by step";
                          about 1.2× the run's time, e.g. 68 s for the paper preset on a loaded 2-core machine)
${FLOW_USAGE}
  --out <dir>             output directory (default out/figure1)
  -h, --help              this help`;

export const TRAIN_USAGE = `Usage: overparam train [options]

One network trained by gradient descent; prints the curves' summary and writes results.json
and the curves' CSVs (training-error.csv, pattern-changes.csv, weight-distance.csv,
gram-lambda-min.csv) to --out.

Options:
  --data <file.csv>       training data, one point a line: x_1,…,x_d,y (a header line and
                          # comments are skipped); default: --n points on the unit sphere
  --n <int>               number of points (sphere data; default 100)
  --d <int>               input dimension (sphere data; default 10)
  --m <int>               width (default 1000)
  --steps <int>           gradient-descent steps (default 100)
  --eta <number>          step size (default: 1/(2 λ_max(H(0))))
  --seed <int>            seed of the data and the network (default 0)
  --joint                 also train the output layer a (the theory then uses H* + K^a)
${MODEL_USAGE}
  --gram-every <int>      record λ_min(H(k)) every this many steps (default steps/10)
${FLOW_USAGE}
  --out <dir>             output directory (default out/train)
  -h, --help              this help`;

export function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${value}'`);
  }
  return parsed;
}

export function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`--${flag} must be a number > 0, got '${value}'`);
  }
  return parsed;
}

function widthList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const widths = value.split(',').map((part) => integer(part.trim(), 'widths', 1)!);
  if (new Set(widths).size !== widths.length) throw new UsageError(`--widths must be distinct, got '${value}'`);
  return widths;
}

export function numberIn(value: string | undefined, flag: string, low: number, high: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < low || parsed > high) {
    throw new UsageError(`--${flag} must be a number in [${low}, ${high}], got '${value}'`);
  }
  return parsed;
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** The options of the model's flags, for parseArgs. */
const MODEL_OPTIONS = {
  activation: { type: 'string' }, 'negative-slope': { type: 'string' }, scale: { type: 'string' },
  'output-scale': { type: 'string' }, 'width-exponent': { type: 'string' }, 'output-init': { type: 'string' },
  optimizer: { type: 'string' }, beta: { type: 'string' }, 'batch-size': { type: 'string' },
} as const;

const OPTIMIZER_KINDS = ['gd', 'momentum', 'nesterov', 'sgd'] as const;

/** --flow's flags, for parseArgs. */
const FLOW_OPTIONS = { flow: { type: 'string' }, 'flow-tolerance': { type: 'string' } } as const;

/**
 * --flow T [--flow-tolerance ε], checked against the flags it replaces (--eta, --steps) and the
 * optimiser (the flow is plain GD's limit); `steps` is then absent from the settings.
 */
function flowSettings(v: Record<string, string | boolean | undefined>, optimizer: Optimizer | undefined): { flow?: FlowSettings } {
  const str = (key: string) => v[key] as string | undefined;
  const horizon = positive(str('flow'), 'flow');
  const tolerance = positive(str('flow-tolerance'), 'flow-tolerance');
  if (horizon === undefined) {
    if (tolerance !== undefined) throw new UsageError('--flow-tolerance needs --flow <T>');
    return {};
  }
  if (tolerance !== undefined && !(tolerance < 0.5)) throw new UsageError(`--flow-tolerance must be a number in (0, 0.5), got '${str('flow-tolerance')}'`);
  for (const flag of ['eta', 'steps'] as const) {
    if (str(flag) !== undefined) throw new UsageError(`--${flag} and --flow exclude each other: --flow chooses η and the steps`);
  }
  if (optimizer !== undefined && optimizer.kind !== 'gd') {
    throw new UsageError(`--flow follows gradient flow, which plain gradient descent discretises; got --optimizer ${optimizer.kind}`);
  }
  return { flow: { horizon, ...(tolerance !== undefined ? { tolerance } : {}) } };
}

/** --optimizer gd|momentum|nesterov|sgd with --beta (momentum, nesterov; sgd's momentum) and --batch-size (sgd). */
function optimizerSettings(v: Record<string, string | boolean | undefined>): { optimizer?: Optimizer } {
  const str = (key: string) => v[key] as string | undefined;
  const kind = oneOf(str('optimizer'), 'optimizer', OPTIMIZER_KINDS);
  const betaText = str('beta');
  const beta = betaText === undefined ? undefined : Number(betaText);
  if (beta !== undefined && (betaText!.trim() === '' || !(beta >= 0 && beta < 1))) {
    throw new UsageError(`--beta must be a number in [0, 1), got '${betaText}'`);
  }
  const batchSize = integer(str('batch-size'), 'batch-size', 1);
  if (kind === undefined || kind === 'gd') {
    if (beta !== undefined || batchSize !== undefined) {
      throw new UsageError(`--beta and --batch-size need --optimizer momentum, nesterov or sgd`);
    }
    return kind === undefined ? {} : { optimizer: { kind: 'gd' } };
  }
  if (kind === 'sgd') {
    if (batchSize === undefined) throw new UsageError('--optimizer sgd needs --batch-size <int>');
    return { optimizer: { kind: 'sgd', batchSize, ...(beta !== undefined ? { momentum: beta } : {}) } };
  }
  if (batchSize !== undefined) throw new UsageError(`--batch-size applies to --optimizer sgd only, got --optimizer ${kind}`);
  if (beta === undefined) throw new UsageError(`--optimizer ${kind} needs --beta <number in [0, 1)>`);
  return { optimizer: { kind, beta } };
}

/** The model's flags, checked; `widths` are the widths the nets will have (symmetric needs them even). */
function modelSettings(v: Record<string, string | boolean | undefined>, widths: number[], widthFlag: string): ModelSettings {
  const str = (key: string) => v[key] as string | undefined;
  const activation = oneOf(str('activation'), 'activation', ACTIVATIONS) ?? 'relu';
  const slope = numberIn(str('negative-slope'), 'negative-slope', 0, 1);
  if (slope !== undefined && activation !== 'leakyRelu') {
    throw new UsageError(`--negative-slope applies to --activation leakyRelu only, got --activation ${activation}`);
  }
  const outputInit = oneOf(str('output-init'), 'output-init', OUTPUT_INITS) ?? 'sign';
  const odd = widths.filter((m) => m % 2 !== 0);
  if (outputInit === 'symmetric' && odd.length > 0) {
    throw new UsageError(`--output-init symmetric pairs the neurons, so --${widthFlag} must be even, got ${odd.join(', ')}`);
  }
  return {
    ...optimizerSettings(v),
    activation,
    ...(activation === 'leakyRelu' ? { negativeSlope: slope ?? DEFAULT_NEGATIVE_SLOPE } : {}),
    scale: positive(str('scale'), 'scale') ?? 1,
    outputScale: positive(str('output-scale'), 'output-scale') ?? 1,
    widthExponent: numberIn(str('width-exponent'), 'width-exponent', WIDTH_EXPONENT_RANGE[0], WIDTH_EXPONENT_RANGE[1]) ?? 0.5,
    outputInit,
  };
}

/**
 * `--n -5` as `--n=-5`: parseArgs reads a value that starts with '-' as an option ("argument is
 * ambiguous"), which hid the flag's own message; a negative number then gets the range error.
 */
export function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name && options[name]?.type === 'string' && i + 1 < argv.length && /^-[\d.]/.test(argv[i + 1])) {
      out.push(`--${name}=${argv[++i]}`);
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/** A command's flags (strict, no positionals, -h/--help added), negative numbers joined to their flag; a UsageError on a bad one. */
export function parseFlags(argv: string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  try {
    const args = joinNegativeValues(argv, options);
    const { values } = parseArgs({ args, options: { ...options, ...HELP_FLAG }, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** --modes K (the top K and bottom K modes) or 'all'. */
function modeSelection(value: string | undefined): { modes?: ModeSelection } {
  if (value === undefined) return {};
  if (value === 'all') return { modes: 'all' };
  const count = integer(value, 'modes', 1);
  return { modes: { top: count, bottom: count } };
}

/** Parses `figure1`'s arguments; `help: true` when -h/--help was given. */
export function parseFigure1Args(argv: string[]): Figure1Settings & { help: boolean } {
  const v = parseFlags(argv, {
    preset: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' }, widths: { type: 'string' },
    steps: { type: 'string' }, eta: { type: 'string' }, seed: { type: 'string' }, trials: { type: 'string' },
    joint: { type: 'boolean' }, 'test-points': { type: 'string' }, 'gram-every': { type: 'string' }, out: { type: 'string' },
    modes: { type: 'string' }, ...MODEL_OPTIONS,
    certificates: { type: 'boolean' }, ...FLOW_OPTIONS,
  });
  const presetName = (v.preset ?? 'quick') as string;
  if (presetName !== 'quick' && presetName !== 'paper') {
    throw new UsageError(`--preset must be 'quick' or 'paper', got '${presetName}'`);
  }
  const preset = PRESETS[presetName];
  const str = (key: string) => v[key] as string | undefined;
  const widths = widthList(str('widths')) ?? preset.widths;
  const model = modelSettings(v, widths, 'widths');
  const flow = flowSettings(v, model.optimizer);
  return {
    help: v.help === true,
    preset: presetName,
    n: integer(str('n'), 'n', 1) ?? preset.n,
    d: integer(str('d'), 'd', 1) ?? preset.d,
    widths,
    ...(flow.flow ? flow : { steps: integer(str('steps'), 'steps', 0) ?? preset.steps }),
    eta: positive(str('eta'), 'eta'),
    seed: integer(str('seed'), 'seed', 0) ?? preset.seed,
    trials: integer(str('trials'), 'trials', 1) ?? preset.trials,
    joint: v.joint === true || preset.joint,
    testPoints: integer(str('test-points'), 'test-points', 0) ?? preset.testPoints,
    gramEvery: integer(str('gram-every'), 'gram-every', 1),
    ...modeSelection(str('modes')),
    ...(v.certificates === true ? { certificates: true } : {}),
    out: str('out') ?? 'out/figure1',
    ...model,
  };
}

/** Parses `train`'s arguments; `help: true` when -h/--help was given. */
export function parseTrainArgs(argv: string[]): TrainSettings & { help: boolean } {
  const v = parseFlags(argv, {
    n: { type: 'string' }, d: { type: 'string' }, m: { type: 'string' }, steps: { type: 'string' },
    eta: { type: 'string' }, seed: { type: 'string' }, joint: { type: 'boolean' }, data: { type: 'string' },
    'gram-every': { type: 'string' }, out: { type: 'string' }, ...MODEL_OPTIONS, ...FLOW_OPTIONS,
  });
  const str = (key: string) => v[key] as string | undefined;
  const m = integer(str('m'), 'm', 1) ?? 1000;
  const model = modelSettings(v, [m], 'm');
  const flow = flowSettings(v, model.optimizer);
  return {
    help: v.help === true,
    n: integer(str('n'), 'n', 1) ?? 100,
    d: integer(str('d'), 'd', 1) ?? 10,
    m,
    ...(flow.flow ? flow : { steps: integer(str('steps'), 'steps', 0) ?? 100 }),
    eta: positive(str('eta'), 'eta'),
    seed: integer(str('seed'), 'seed', 0) ?? 0,
    joint: v.joint === true,
    data: str('data'),
    gramEvery: integer(str('gram-every'), 'gram-every', 1),
    out: str('out') ?? 'out/train',
    ...model,
  };
}

// ---- `overparam labels` (issue 15 §3): kept apart from the other commands' settings. ----

/** Settings of `overparam labels`. */
export interface LabelsSettings {
  data: 'digits';
  /** Fractions p of random labels, increasing. */
  noise: number[];
  /** Training rows (a seeded subset of UCI's training file). */
  n: number;
  /** Test rows (a seeded subset of UCI's test file; 0: none). */
  nTest: number;
  task: 'evenOdd' | [number, number];
  m: number;
  steps: number;
  /** Undefined: 1/λ_max(H∞). */
  eta?: number;
  seed: number;
  out: string;
}

/** Defaults of `overparam labels`: about half a minute on 2 cores (measured: see README). */
export const LABELS_DEFAULTS = { noise: [0, 0.2, 0.4, 0.6, 0.8, 1], n: 200, nTest: 1797, m: 2000, steps: 500, seed: 0 } as const;

export const LABELS_USAGE = `Usage: overparam labels [options]

Arora, Du, Hu, Li, Wang (ICML 2019), Section 6: one network for each fraction p of labels replaced by
random ±1, on the UCI optical digits; the training curves, the label spectrum, the bound
√(2yᵀ(H∞)⁻¹y/n), the distance √(yᵀ(H∞)⁻¹y) beside the measured ‖W − W(0)‖_F, the test error along
training, and the checks. Writes results.json, CSVs, SVG charts and report.html to --out.

Options:
  --data <digits>         the data set (default digits: UCI optical digits, shipped with the package)
  --noise <list>          comma-separated fractions p in [0, 1] (default ${LABELS_DEFAULTS.noise.join(',')})
  --task <evenOdd|a,b>    evenOdd (default: even digits +1, odd −1) or two digits a,b (a +1, b −1)
  --n <int>               training rows, a seeded subset of the training file (default ${LABELS_DEFAULTS.n})
  --n-test <int>          test rows, a seeded subset of the test file (default all; 0: none)
  --m <int>               width (default ${LABELS_DEFAULTS.m})
  --steps <int>           gradient-descent steps (default ${LABELS_DEFAULTS.steps})
  --eta <number>          step size (default 1/λ_max(H∞), half the stability limit)
  --seed <int>            seed of the subsets, the label noise and the networks (default 0)
  --out <dir>             output directory (default out/labels)
  -h, --help              this help`;

function noiseList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((part) => {
    const p = Number(part.trim());
    if (part.trim() === '' || !(p >= 0 && p <= 1)) throw new UsageError(`--noise must list fractions in [0, 1], got '${part}'`);
    return p;
  });
  if (new Set(list).size !== list.length) throw new UsageError(`--noise must be distinct, got '${value}'`);
  return list.sort((a, b) => a - b);
}

function taskOf(value: string | undefined): LabelsSettings['task'] {
  if (value === undefined || value === 'evenOdd') return 'evenOdd';
  const match = /^\s*(\d)\s*,\s*(\d)\s*$/.exec(value);
  if (!match || match[1] === match[2]) throw new UsageError(`--task must be 'evenOdd' or two different digits a,b, got '${value}'`);
  return [Number(match[1]), Number(match[2])];
}

/** Parses `labels`' arguments; `help: true` when -h/--help was given. */
export function parseLabelsArgs(argv: string[]): LabelsSettings & { help: boolean } {
  const v = parseFlags(argv, {
    data: { type: 'string' }, noise: { type: 'string' }, task: { type: 'string' }, n: { type: 'string' }, 'n-test': { type: 'string' },
    m: { type: 'string' }, steps: { type: 'string' }, eta: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  });
  const str = (key: string) => v[key] as string | undefined;
  const data = str('data') ?? 'digits';
  if (data !== 'digits') throw new UsageError(`--data must be 'digits' (the data set shipped with the package), got '${data}'`);
  return {
    help: v.help === true,
    data,
    noise: noiseList(str('noise')) ?? [...LABELS_DEFAULTS.noise],
    task: taskOf(str('task')),
    n: integer(str('n'), 'n', 2) ?? LABELS_DEFAULTS.n,
    nTest: integer(str('n-test'), 'n-test', 0) ?? LABELS_DEFAULTS.nTest,
    m: integer(str('m'), 'm', 1) ?? LABELS_DEFAULTS.m,
    steps: integer(str('steps'), 'steps', 0) ?? LABELS_DEFAULTS.steps,
    eta: positive(str('eta'), 'eta'),
    seed: integer(str('seed'), 'seed', 0) ?? LABELS_DEFAULTS.seed,
    out: str('out') ?? 'out/labels',
  };
}
