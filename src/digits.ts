// Real data for the theory (issue 15 §3): the UCI optical recognition of handwritten digits
// (Alpaydin & Kaynak, 1998; CC BY 4.0, data/LICENSE-optdigits.md), 5 620 images of 8×8 blocks
// counting on pixels (0–16), shipped as data/optdigits.idx.gz (136 kB). The file is found beside the
// package as the WebAssembly core is (src/wasm/loader.ts): read from disk in Node, fetched in
// browsers, where bundlers see `new URL('literal', import.meta.url)` and emit it. Also label noise.
import { OverparamError, OverparamRangeError, OverparamTypeError } from './errors.js';
import { checkInteger, type Matrix } from './matrix.js';
import { readIdx } from './idx.js';
import { MAX_SEED } from './data.js';

/** Rows of UCI's optdigits.tra (training, 30 writers): the file's first rows. */
export const DIGITS_TRAIN_ROWS = 3823;
/** Rows of UCI's optdigits.tes (testing, 13 other writers): the file's last rows. */
export const DIGITS_TEST_ROWS = 1797;

/** Which two classes: 'evenOdd' (even digits +1, odd −1) or [a, b] (digit a +1, digit b −1; other digits dropped). */
export type DigitsTask = 'evenOdd' | readonly [number, number];

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  task: DigitsTask;
  /**
   * Which rows train: 'train' (default) UCI's training file, the test set its test file (other
   * writers); 'test' the other way round; 'all' every row, no test set; a fraction f in (0, 1): all
   * rows pooled and shuffled (seeded), the first round(f·N) train and the rest test.
   */
  split?: 'train' | 'test' | 'all' | number;
  /** At most this many training rows: a seeded random subset (kept in file order). Default: all. */
  n?: number;
  /** At most this many test rows, as `n`. Default: all. */
  nTest?: number;
  /** Seed of the shuffles (a fraction `split`, `n`, `nTest`); default 0. The same seed gives the same rows everywhere. */
  seed?: number;
  /**
   * Where the data come from: default data/optdigits.idx.gz beside the package. A URL or (Node)
   * file path of that file, or its bytes (gzip'd or not), for pages that serve it elsewhere.
   */
  source?: string | URL | Uint8Array;
}

/** Inputs, labels and classes of one part of the digits data. */
export interface DigitsSet {
  /** rows × 64, float32, every row scaled to ‖x‖ = 1 (the theory's assumption; up to float32 round-off). */
  X: Matrix;
  /** ±1 labels of the task. */
  y: Float32Array;
  /** The digit (0–9) of each row. */
  digits: Uint8Array;
  /** Each row's index in the data file (0..3822 from optdigits.tra, 3823..5619 from optdigits.tes). */
  rows: Int32Array;
}

/** What {@link loadDigits} returns: the training set, and the held-out rows in `test`. */
export interface DigitsData extends DigitsSet {
  test: DigitsSet;
}

/** The file's rows: 64 attributes and the class, 5 620 of them. */
interface DigitsFile { attributes: Uint8Array; classes: Uint8Array; count: number }

let cached: Promise<DigitsFile> | undefined;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
const NODE_FS = 'node:fs/promises';

/**
 * The UCI optical digits as a two-class problem with unit-norm inputs and ±1 labels, and a held-out
 * test set (by default UCI's own split: other writers). Asynchronous: the first call reads (Node)
 * or fetches (browsers) data/optdigits.idx.gz and decompresses it; later calls reuse it.
 * Throws OverparamRangeError BAD_VALUE on bad options, OverparamError BAD_VALUE when the file cannot be read.
 *
 * @example
 * const { X, y, test } = await loadDigits({ task: 'evenOdd', n: 500, seed: 1 });
 * const { X: X38 } = await loadDigits({ task: [3, 8], split: 0.8 });
 */
export async function loadDigits(options: LoadDigitsOptions): Promise<DigitsData> {
  const fn = 'loadDigits';
  if (typeof options !== 'object' || options === null) throw new OverparamTypeError('BAD_VALUE', `${fn}: options { task } are required`);
  const { task, split = 'train', n, nTest, seed = 0, source } = options;
  const label = labeller(task, fn);
  checkInteger(seed, `${fn}: seed`, 0, MAX_SEED);
  if (n !== undefined) checkInteger(n, `${fn}: n`);
  if (nTest !== undefined) checkInteger(nTest, `${fn}: nTest`, 0);
  const isFraction = typeof split === 'number';
  if (isFraction ? !(split > 0 && split < 1) : !['train', 'test', 'all'].includes(split)) {
    throw new OverparamRangeError('BAD_VALUE', `${fn}: split must be 'train', 'test', 'all' or a fraction in (0, 1), got ${String(split)}`);
  }
  if (source === undefined && !cached) cached = readDigitsFile(DIGITS_FILE()).catch((error: unknown) => { cached = undefined; throw error; });
  const data = source === undefined ? await cached! : await readDigitsFile(source);

  const inTask = (i: number) => label(data.classes[i]) !== 0;
  const range = (from: number, to: number) => { const out: number[] = []; for (let i = from; i < to; i++) if (inTask(i)) out.push(i); return out; };
  let trainRows: number[], testRows: number[];
  if (split === 'train') { trainRows = range(0, DIGITS_TRAIN_ROWS); testRows = range(DIGITS_TRAIN_ROWS, data.count); }
  else if (split === 'test') { trainRows = range(DIGITS_TRAIN_ROWS, data.count); testRows = range(0, DIGITS_TRAIN_ROWS); }
  else if (split === 'all') { trainRows = range(0, data.count); testRows = []; }
  else {
    const all = shuffled(range(0, data.count), random(seed, STREAM.split));
    const cut = Math.round(split * all.length);
    trainRows = all.slice(0, cut).sort((a, b) => a - b);
    testRows = all.slice(cut).sort((a, b) => a - b);
  }
  if (n !== undefined && n < trainRows.length) trainRows = shuffled(trainRows, random(seed, STREAM.subset)).slice(0, n).sort((a, b) => a - b);
  if (nTest !== undefined && nTest < testRows.length) testRows = shuffled(testRows, random(seed, STREAM.testSubset)).slice(0, nTest).sort((a, b) => a - b);
  return { ...digitsSet(data, trainRows, label), test: digitsSet(data, testRows, label) };
}

/** data/optdigits.idx.gz beside the package (from src/digits.ts and dist/digits.js alike). */
function DIGITS_FILE(): URL {
  // Written out in full so Vite and webpack see `new URL('literal', import.meta.url)` and emit the file.
  return new URL('../data/optdigits.idx.gz', import.meta.url);
}

/** The label of a digit under the task: +1, −1, or 0 for digits the task drops. */
function labeller(task: DigitsTask, fn: string): (digit: number) => number {
  if (task === 'evenOdd') return (digit) => (digit % 2 === 0 ? 1 : -1);
  if (Array.isArray(task) && task.length === 2) {
    const [a, b] = task;
    checkInteger(a, `${fn}: task[0]`, 0, 9);
    checkInteger(b, `${fn}: task[1]`, 0, 9);
    if (a === b) throw new OverparamRangeError('BAD_VALUE', `${fn}: task must name two different digits, got [${a}, ${b}]`);
    return (digit) => (digit === a ? 1 : digit === b ? -1 : 0);
  }
  throw new OverparamRangeError('BAD_VALUE', `${fn}: task must be 'evenOdd' or [a, b] (two digits 0–9), got ${JSON.stringify(task)}`);
}

function digitsSet(data: DigitsFile, rows: number[], label: (digit: number) => number): DigitsSet {
  const count = rows.length;
  const X = new Float32Array(count * 64), y = new Float32Array(count), digits = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const i = rows[k];
    const row = data.attributes.subarray(i * 64, i * 64 + 64);
    let normSq = 0;
    for (let j = 0; j < 64; j++) normSq += row[j] * row[j];
    const norm = Math.sqrt(normSq); // no row of the file is zero (test/digits.test.ts)
    for (let j = 0; j < 64; j++) X[k * 64 + j] = row[j] / norm;
    digits[k] = data.classes[i];
    y[k] = label(digits[k]);
  }
  return { X: { rows: count, cols: 64, data: X }, y, digits, rows: Int32Array.from(rows) };
}

async function readDigitsFile(source: string | URL | Uint8Array): Promise<DigitsFile> {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (typeof source === 'string' || source instanceof URL) bytes = await readBytes(source);
  else throw new OverparamTypeError('BAD_VALUE', 'loadDigits: source must be a URL, a file path or the bytes of optdigits.idx.gz');
  const where = source instanceof Uint8Array ? 'the bytes given' : String(source);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes);
  else if (!(bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0)) {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    // A dev server that pre-bundled the package (Vite's) answers a missing file with its HTML page.
    throw new OverparamError('BAD_VALUE', `loadDigits: ${where} is not the digits file (neither gzip nor IDX: it starts ${start}` +
      `${bytes[0] === 0x3c ? ', an HTML page: a dev server that moved the package away from its data/ folder' : ''}); ` +
      'serve data/optdigits.idx.gz from the package and pass its URL as options.source');
  }
  const idx = readIdx(bytes);
  if (idx.type !== 'uint8' || idx.dims.length !== 2 || idx.dims[1] !== 65) {
    throw new OverparamRangeError('BAD_VALUE', `loadDigits: expected the digits file (uint8, N × 65), got ${idx.type} ${idx.dims.join(' × ')}`);
  }
  const count = idx.dims[0], all = idx.data as Uint8Array;
  const attributes = new Uint8Array(count * 64), classes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    attributes.set(all.subarray(i * 65, i * 65 + 64), i * 64);
    classes[i] = all[i * 65 + 64];
    if (classes[i] > 9) throw new OverparamRangeError('BAD_VALUE', `loadDigits: row ${i} has class ${classes[i]}; classes are 0–9`);
  }
  return { attributes, classes, count };
}

/** Reads a file in Node, else fetches, as the wasm loader does. */
async function readBytes(source: string | URL): Promise<Uint8Array> {
  const where = String(source);
  if (isNode && (typeof source === 'string' ? !/^(https?|data|blob):/.test(source) : source.protocol === 'file:')) {
    const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_FS) as typeof import('node:fs/promises');
    try {
      return new Uint8Array(await readFile(source));
    } catch (cause) {
      throw new OverparamError('BAD_VALUE', `loadDigits: cannot read the digits data at ${where} ` +
        `(${(cause as NodeJS.ErrnoException).code ?? String(cause)}); pass options.source`, { cause });
    }
  }
  let response: Response;
  try {
    response = await fetch(source);
  } catch (cause) {
    throw new OverparamError('BAD_VALUE', `loadDigits: fetching the digits data at ${where} failed (${String(cause)}); pass options.source`, { cause });
  }
  if (!response.ok) throw new OverparamError('BAD_VALUE', `loadDigits: fetching the digits data at ${where} failed (HTTP ${response.status}); pass options.source`);
  return new Uint8Array(await response.arrayBuffer());
}

/** gunzip with the Compression Streams API (Node ≥ 18 and current browsers alike). */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What {@link withLabelNoise} returns. */
export interface LabelNoise {
  /** The labels with the chosen entries replaced by random ±1. */
  y: Float32Array;
  /** The indices replaced: exactly round(p·n) of them, increasing. */
  replaced: Int32Array;
  /** How many labels actually changed (a random ±1 keeps a ±1 label with probability ½). */
  changed: number;
}

/**
 * Label noise as in Arora et al. 2019 (Section 6): a fraction p of the labels, exactly round(p·n)
 * entries chosen at random, is replaced by random labels, independent fair ±1. A replaced ±1
 * label keeps its value by chance half the time, so about p/2 of them change (p = 1: labels
 * entirely random). Seeded: the same (y, p, seed) gives the same labels everywhere. y is not modified.
 */
export function withLabelNoise(y: ArrayLike<number>, p: number, seed = 0): LabelNoise {
  const fn = 'withLabelNoise';
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') throw new OverparamTypeError('BAD_SHAPE', `${fn}: y must be an array of labels`);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new OverparamRangeError('BAD_VALUE', `${fn}: p must be a fraction in [0, 1], got ${String(p)}`);
  checkInteger(seed, `${fn}: seed`, 0, MAX_SEED);
  const n = y.length, out = Float32Array.from(y);
  const replaced = shuffled(Array.from({ length: n }, (_, i) => i), random(seed, STREAM.noiseRows), Math.round(p * n))
    .slice(0, Math.round(p * n)).sort((a, b) => a - b);
  const coin = random(seed, STREAM.noiseSigns);
  let changed = 0;
  for (const i of replaced) {
    const value = coin() < 0.5 ? -1 : 1;
    if (value !== out[i]) changed++;
    out[i] = value;
  }
  return { y: out, replaced: Int32Array.from(replaced), changed };
}

/** Random streams of this module (independent of the wasm streams of src/data.ts). */
const STREAM = { split: 1, subset: 2, testSubset: 3, noiseRows: 4, noiseSigns: 5 } as const;

/** A seeded uniform generator on [0, 1) per (seed, stream): SplitMix32-style mixing of a Weyl sequence. */
function random(seed: number, stream: number): () => number {
  let state = mix(mix((seed >>> 0) ^ 0x9e3779b9) ^ Math.floor(seed / 2 ** 32)) ^ mix(stream * 0x85ebca6b);
  return () => {
    state = (state + 0x9e3779b9) | 0;
    return (mix(state) >>> 0) / 2 ** 32;
  };
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** A Fisher–Yates shuffle of a copy of `items` (only the first `count` places drawn when given). */
function shuffled<T>(items: T[], next: () => number, count = items.length): T[] {
  const out = items.slice();
  for (let i = 0; i < Math.min(count, out.length - 1); i++) {
    const j = i + Math.floor(next() * (out.length - i));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
