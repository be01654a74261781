// Command-line arguments of `overparam regimes`, parsed with node:util's parseArgs and checked here
// (the patterns of args.ts: a UsageError naming the flag and its range, exit 2).
import { UsageError, integer, parseFlags, positive } from './args.js';

/** Settings of `overparam regimes`. */
export interface RegimesSettings {
  alphas: number[];
  widths: number[];
  gammas: number[];
  n: number;
  d: number;
  testPoints: number;
  steps: number;
  /** Undefined: ¼ · 2/λ_max(H(0)), the largest over the widths. */
  eta?: number;
  seed: number;
  out: string;
}

/** The defaults: about 30 s on 2 cores (measured: see README). */
export const REGIMES_DEFAULTS: Omit<RegimesSettings, 'eta'> = {
  alphas: [0.01, 0.1, 1, 10, 100], widths: [100, 1000, 10000], gammas: [0.5, 1], n: 100, d: 50, testPoints: 50, steps: 100, seed: 0,
  out: 'out/regimes',
};

export const REGIMES_USAGE = `Usage: overparam regimes [options]

Lazy training against feature learning (Chizat, Oyallon & Bach 2019): trains one net per output
scale α, width exponent γ and width m from the symmetric start (f(W(0)) = 0), and records the
relative kernel change ‖H(K) − H(0)‖₂/‖H(0)‖₂, the relative movement ‖W(K) − W(0)‖_F/‖W(0)‖_F,
the pattern changes and the held-out gap to the linearised model. Writes results.json, CSVs,
SVG charts and report.html to --out; exit 3 when a check fails.

Options:
  --alphas <list>         comma-separated output scales α > 0 (default ${REGIMES_DEFAULTS.alphas.join(',')})
  --widths <list>         comma-separated even widths m (default ${REGIMES_DEFAULTS.widths.join(',')})
  --gammas <list>         comma-separated width exponents γ in [0, 2] (default ${REGIMES_DEFAULTS.gammas.join(',')})
  --n <int>               training points on the unit sphere (default ${REGIMES_DEFAULTS.n})
  --d <int>               input dimension (default ${REGIMES_DEFAULTS.d})
  --test-points <int>     held-out points for the gap to the linearised model (default ${REGIMES_DEFAULTS.testPoints})
  --steps <int>           gradient-descent steps per run (default ${REGIMES_DEFAULTS.steps})
  --eta <number>          step size (default 1/(2 λ_max(H(0))), the largest over the widths: one η for the grid)
  --seed <int>            seed of the data; the nets use seed + 1 (default 0)
  --out <dir>             output directory (default ${REGIMES_DEFAULTS.out})
  -h, --help              this help`;

/** A comma-separated list, each entry checked by `one`, distinct. */
function list(value: string | undefined, flag: string, one: (part: string) => number): number[] | undefined {
  if (value === undefined) return undefined;
  const values = value.split(',').map((part) => one(part.trim()));
  if (new Set(values).size !== values.length) throw new UsageError(`--${flag} must be distinct, got '${value}'`);
  return values;
}

const alphaList = (v: string | undefined) => list(v, 'alphas', (p) => {
  const a = Number(p);
  if (p === '' || !Number.isFinite(a) || a <= 0) throw new UsageError(`--alphas must be numbers > 0, got '${p}'`);
  return a;
});
const gammaList = (v: string | undefined) => list(v, 'gammas', (p) => {
  const g = Number(p);
  if (p === '' || !Number.isFinite(g) || g < 0 || g > 2) throw new UsageError(`--gammas must be numbers in [0, 2], got '${p}'`);
  return g;
});
const widthList = (v: string | undefined) => list(v, 'widths', (p) => {
  const m = Number(p);
  if (!/^\d+$/.test(p) || !Number.isSafeInteger(m) || m < 2 || m % 2 !== 0) {
    throw new UsageError(`--widths must be even integers ≥ 2 (the symmetric start pairs the neurons), got '${p}'`);
  }
  return m;
});

/** Parses `regimes`' arguments; `help: true` when -h/--help was given. */
export function parseRegimesArgs(argv: string[]): RegimesSettings & { help: boolean } {
  const options = {
    alphas: { type: 'string' }, widths: { type: 'string' }, gammas: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' },
    'test-points': { type: 'string' }, steps: { type: 'string' }, eta: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  } as const; // -h/--help: parseFlags
  const values = parseFlags(argv, options);
  const str = (key: string) => values[key] as string | undefined;
  const D = REGIMES_DEFAULTS;
  return {
    help: values.help === true,
    alphas: alphaList(str('alphas')) ?? D.alphas,
    widths: widthList(str('widths')) ?? D.widths,
    gammas: gammaList(str('gammas')) ?? D.gammas,
    n: integer(str('n'), 'n', 1) ?? D.n,
    d: integer(str('d'), 'd', 1) ?? D.d,
    testPoints: integer(str('test-points'), 'test-points', 1) ?? D.testPoints,
    steps: integer(str('steps'), 'steps', 1) ?? D.steps,
    eta: positive(str('eta'), 'eta'),
    seed: integer(str('seed'), 'seed', 0) ?? D.seed,
    out: str('out') ?? D.out,
  };
}
