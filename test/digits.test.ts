// The shipped UCI optical digits (data/optdigits.idx.gz), loadDigits, withLabelNoise and readIdx.
// The file is also decoded here with node:zlib and plain byte reads, independently of readIdx.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadDigits, withLabelNoise, readIdx, DIGITS_TRAIN_ROWS, DIGITS_TEST_ROWS, OverparamRangeError } from '../src/index.js';

const FILE = new URL('../data/optdigits.idx.gz', import.meta.url);
/** UCI's optdigits.names, "Class Distribution". */
const PUBLISHED_TRAIN = [376, 389, 380, 389, 387, 376, 377, 387, 380, 382];
const PUBLISHED_TEST = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
/** The first row of optdigits.tra and of optdigits.tes (the latter is also scikit-learn's load_digits()[0]), class last. */
const FIRST_TRAIN = '0,1,6,15,12,1,0,0,0,7,16,6,6,10,0,0,0,8,16,2,0,11,2,0,0,5,16,3,0,5,7,0,0,7,13,3,0,8,7,0,0,4,12,0,1,13,5,0,0,0,14,9,15,9,0,0,0,0,6,14,7,1,0,0,0';
const FIRST_TEST = '0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0,0';

function counts(digits: Uint8Array): number[] {
  const c = new Array(10).fill(0);
  for (const d of digits) c[d]++;
  return c;
}

describe('data/optdigits.idx.gz', () => {
  it('holds 3823 + 1797 rows of 64 attributes in 0..16 and a class, with UCI\'s first rows, no zero and no parallel rows', () => {
    const raw = gunzipSync(readFileSync(FILE));
    expect(Array.from(raw.subarray(0, 4))).toEqual([0, 0, 8, 2]);
    const view = new DataView(raw.buffer, raw.byteOffset);
    expect([view.getUint32(4), view.getUint32(8)]).toEqual([5620, 65]);
    expect(raw.length).toBe(12 + 5620 * 65);
    const row = (i: number) => Array.from(raw.subarray(12 + 65 * i, 12 + 65 * (i + 1)));
    expect(row(0).join()).toBe(FIRST_TRAIN);
    expect(row(DIGITS_TRAIN_ROWS).join()).toBe(FIRST_TEST);
    const seen = new Set<string>();
    for (let i = 0; i < 5620; i++) {
      const r = row(i);
      expect(r.slice(0, 64).every((v) => v <= 16) && r[64] <= 9).toBe(true);
      const g = r.slice(0, 64).reduce((a, b) => gcd(a, b), 0);
      expect(g).toBeGreaterThan(0); // not all zero
      seen.add(r.slice(0, 64).map((v) => v / g).join()); // parallel rows reduce to the same key
    }
    expect(seen.size).toBe(5620);
  });
});

function gcd(a: number, b: number): number { return b === 0 ? a : gcd(b, a % b); }

describe('loadDigits', () => {
  it('split "train": UCI\'s training rows train and its test rows test, with the published counts per class', async () => {
    const data = await loadDigits({ task: 'evenOdd' });
    expect(data.X.rows).toBe(DIGITS_TRAIN_ROWS);
    expect(data.test.X.rows).toBe(DIGITS_TEST_ROWS);
    expect(counts(data.digits)).toEqual(PUBLISHED_TRAIN);
    expect(counts(data.test.digits)).toEqual(PUBLISHED_TEST);
    expect(data.X.cols).toBe(64);
    expect(data.X.data).toBeInstanceOf(Float32Array);
    const swapped = await loadDigits({ task: 'evenOdd', split: 'test' });
    expect(counts(swapped.digits)).toEqual(PUBLISHED_TEST);
    expect(counts(swapped.test.digits)).toEqual(PUBLISHED_TRAIN);
    const all = await loadDigits({ task: 'evenOdd', split: 'all' });
    expect(all.X.rows).toBe(5620);
    expect(all.test.X.rows).toBe(0);
  });

  it('returns unit-norm rows proportional to the file\'s attributes, and ±1 labels: even +1, odd −1', async () => {
    const { X, y, digits, rows, test } = await loadDigits({ task: 'evenOdd' });
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let j = 0; j < 64; j++) s += X.data[i * 64 + j] ** 2;
      expect(Math.abs(Math.sqrt(s) - 1)).toBeLessThan(1e-6);
      expect(y[i]).toBe(digits[i] % 2 === 0 ? 1 : -1);
      expect(rows[i]).toBe(i);
    }
    const first = FIRST_TRAIN.split(',').map(Number), norm = Math.hypot(...first.slice(0, 64));
    for (let j = 0; j < 64; j++) expect(X.data[j]).toBeCloseTo(first[j] / norm, 7);
    expect(digits[0]).toBe(0);
    const firstTest = FIRST_TEST.split(',').map(Number), testNorm = Math.hypot(...firstTest.slice(0, 64));
    for (let j = 0; j < 64; j++) expect(test.X.data[j]).toBeCloseTo(firstTest[j] / testNorm, 7);
    expect(test.rows[0]).toBe(DIGITS_TRAIN_ROWS);
    expect(y.filter((v) => v === 1).length).toBe(PUBLISHED_TRAIN.filter((_, d) => d % 2 === 0).reduce((a, b) => a + b));
  });

  it('task [a, b]: only digits a (+1) and b (−1)', async () => {
    const { y, digits, test } = await loadDigits({ task: [3, 8] });
    expect(digits.length).toBe(389 + 380);
    expect(test.digits.length).toBe(183 + 174);
    for (let i = 0; i < digits.length; i++) expect(y[i]).toBe(digits[i] === 3 ? 1 : -1);
    expect(new Set(test.digits)).toEqual(new Set([3, 8]));
  });

  it('a fraction split pools all rows and cuts a seeded shuffle; n and nTest take seeded subsets', async () => {
    const a = await loadDigits({ task: [1, 7], split: 0.75, seed: 4 });
    const total = 389 + 387 + 182 + 179;
    expect(a.X.rows).toBe(Math.round(0.75 * total));
    expect(a.X.rows + a.test.X.rows).toBe(total);
    const union = new Set([...a.rows, ...a.test.rows]);
    expect(union.size).toBe(total);
    expect(Array.from(a.rows)).toEqual(Array.from((await loadDigits({ task: [1, 7], split: 0.75, seed: 4 })).rows));
    expect(Array.from(a.rows)).not.toEqual(Array.from((await loadDigits({ task: [1, 7], split: 0.75, seed: 5 })).rows));
    const some = await loadDigits({ task: 'evenOdd', n: 100, nTest: 30, seed: 2 });
    expect([some.X.rows, some.test.X.rows]).toEqual([100, 30]);
    expect(some.rows.every((r) => r < DIGITS_TRAIN_ROWS) && some.test.rows.every((r) => r >= DIGITS_TRAIN_ROWS)).toBe(true);
    expect(Array.from(some.rows)).toEqual([...some.rows].sort((p, q) => p - q));
    expect(some.rows[99]).toBeGreaterThan(3000); // a random subset, not the file's first rows
    expect(Array.from(some.rows)).not.toEqual(Array.from((await loadDigits({ task: 'evenOdd', n: 100, seed: 3 })).rows));
  });

  it('reads the data from options.source: a path, or the bytes gzip\'d or not', async () => {
    const want = await loadDigits({ task: 'evenOdd', split: 'all' });
    const bytes = new Uint8Array(readFileSync(FILE));
    for (const source of [FILE.pathname, bytes, new Uint8Array(gunzipSync(bytes))]) {
      const got = await loadDigits({ task: 'evenOdd', split: 'all', source });
      expect(got.X.data).toEqual(want.X.data);
    }
    await expect(loadDigits({ task: 'evenOdd', source: '/nonexistent/optdigits.idx.gz' })).rejects.toThrow(/cannot read the digits data at .*ENOENT/);
    await expect(loadDigits({ task: 'evenOdd', source: new TextEncoder().encode('<!doctype html>') }))
      .rejects.toThrow(/the bytes given is not the digits file \(neither gzip nor IDX: it starts 3c 21 64 6f, an HTML page.*options.source/);
  });

  it('refuses bad options, naming them', async () => {
    await expect(loadDigits({ task: 'parity' as never })).rejects.toThrow(/task must be 'evenOdd' or \[a, b\]/);
    await expect(loadDigits({ task: [3, 3] })).rejects.toThrow(/two different digits/);
    await expect(loadDigits({ task: [3, 10] })).rejects.toThrow(/task\[1\] must be an integer in \[0, 9\]/);
    await expect(loadDigits({ task: 'evenOdd', split: 1 })).rejects.toThrow(OverparamRangeError);
    await expect(loadDigits({ task: 'evenOdd', split: 'valid' as never })).rejects.toThrow(/split must be 'train', 'test', 'all' or a fraction/);
    await expect(loadDigits({ task: 'evenOdd', n: 0 })).rejects.toThrow(/n must be an integer ≥ 1/);
  });
});

describe('withLabelNoise', () => {
  it('replaces exactly round(p·n) labels by fair random ±1, seeded; about half of those keep their value', () => {
    const n = 10_000, y = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : -1));
    for (const p of [0, 0.2, 0.6, 1]) {
      const noisy = withLabelNoise(y, p, 7);
      expect(noisy.replaced.length).toBe(Math.round(p * n));
      let differ = 0;
      for (let i = 0; i < n; i++) if (noisy.y[i] !== y[i]) differ++;
      expect(noisy.changed).toBe(differ);
      const untouched = new Set(noisy.replaced);
      for (let i = 0; i < n; i++) if (!untouched.has(i)) expect(noisy.y[i]).toBe(y[i]);
      for (const i of noisy.replaced) expect(Math.abs(noisy.y[i])).toBe(1);
      // Binomial(round(p·n), ½) changes: within 4 standard deviations.
      const k = Math.round(p * n);
      expect(Math.abs(noisy.changed - k / 2)).toBeLessThanOrEqual(4 * Math.sqrt(k / 4) + 1e-9);
      const plus = Array.from(noisy.replaced).filter((i) => noisy.y[i] === 1).length;
      expect(Math.abs(plus - k / 2)).toBeLessThanOrEqual(4 * Math.sqrt(k / 4) + 1e-9);
      expect(Array.from(withLabelNoise(y, p, 7).y)).toEqual(Array.from(noisy.y));
    }
    expect(Array.from(withLabelNoise(y, 0.5, 1).replaced)).not.toEqual(Array.from(withLabelNoise(y, 0.5, 2).replaced));
    expect(Array.from(y.subarray(0, 3))).toEqual([1, -1, -1]); // y itself is untouched
  });

  it('refuses p outside [0, 1] and bad seeds', () => {
    expect(() => withLabelNoise(new Float32Array(3), 1.5, 0)).toThrow(/p must be a fraction in \[0, 1\]/);
    expect(() => withLabelNoise(new Float32Array(3), NaN, 0)).toThrow(/p must be a fraction/);
    expect(() => withLabelNoise(new Float32Array(3), 0.5, -1)).toThrow(/seed must be an integer/);
  });
});

/** An IDX file written from the format's description: magic 00 00 type rank, big-endian uint32 dims, big-endian data. */
function writeIdx(type: number, dims: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const bytes = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  const at = 4 + 4 * dims.length;
  values.forEach((v, i) => {
    const o = at + size * i;
    if (type === 0x08) view.setUint8(o, v); else if (type === 0x09) view.setInt8(o, v);
    else if (type === 0x0b) view.setInt16(o, v); else if (type === 0x0c) view.setInt32(o, v);
    else if (type === 0x0d) view.setFloat32(o, v); else view.setFloat64(o, v);
  });
  return bytes;
}

describe('readIdx', () => {
  it('reads MNIST-like uint8 images (3-D) and labels (1-D)', () => {
    const pixels = Array.from({ length: 2 * 3 * 5 }, (_, i) => (i * 37) % 256);
    const images = readIdx(writeIdx(0x08, [2, 3, 5], pixels));
    expect(images.type).toBe('uint8');
    expect(images.dims).toEqual([2, 3, 5]);
    expect(images.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(images.data)).toEqual(pixels);
    const labels = readIdx(writeIdx(0x08, [4], [7, 2, 1, 0]));
    expect(labels.dims).toEqual([4]);
    expect(Array.from(labels.data)).toEqual([7, 2, 1, 0]);
    // A view into a larger buffer at an odd offset reads the same.
    const file = writeIdx(0x08, [4], [7, 2, 1, 0]), padded = new Uint8Array(file.length + 3);
    padded.set(file, 1);
    expect(Array.from(readIdx(padded.subarray(1, 1 + file.length)).data)).toEqual([7, 2, 1, 0]);
  });

  it('reads the other element types big-endian', () => {
    expect(Array.from(readIdx(writeIdx(0x09, [3], [-128, 0, 127])).data)).toEqual([-128, 0, 127]);
    expect(Array.from(readIdx(writeIdx(0x0b, [2], [-300, 1234])).data)).toEqual([-300, 1234]);
    expect(Array.from(readIdx(writeIdx(0x0c, [1, 2], [-70000, 2 ** 30])).data)).toEqual([-70000, 2 ** 30]);
    expect(Array.from(readIdx(writeIdx(0x0d, [2], [1.5, -0.25])).data)).toEqual([1.5, -0.25]);
    const f64 = readIdx(writeIdx(0x0e, [2], [Math.PI, -1e300]));
    expect(f64.type).toBe('float64');
    expect(Array.from(f64.data)).toEqual([Math.PI, -1e300]);
  });

  it('names a bad magic number, an unknown type, a short header, a truncated body, trailing bytes and gzip', () => {
    const good = writeIdx(0x08, [2, 2], [1, 2, 3, 4]);
    const bad = (edit: (b: Uint8Array) => Uint8Array) => () => readIdx(edit(good.slice()));
    expect(bad((b) => { b[0] = 1; return b; })).toThrow(/bad magic number 01 00 08 02/);
    expect(bad((b) => { b[2] = 0x0a; return b; })).toThrow(/unknown type code 0x0a/);
    expect(bad((b) => b.subarray(0, 3))).toThrow(/3 bytes are too few/);
    expect(bad((b) => b.subarray(0, 9))).toThrow(/declares 2 dimensions \(12 bytes\) but the file has 9/);
    expect(bad((b) => b.subarray(0, 15))).toThrow(/dimensions 2 × 2 of uint8 need 16 bytes with the header, the file has 15 \(truncated\)/);
    expect(() => readIdx(Uint8Array.from([...good, 0]))).toThrow(/the file has 17 \(trailing bytes\)/);
    expect(() => readIdx(new Uint8Array(gzipSync(good)))).toThrow(/gzip-compressed/);
    expect(() => readIdx([0, 0, 8, 0] as never)).toThrow(/must be a Uint8Array/);
    try { readIdx(good.subarray(0, 15)); } catch (error) { expect((error as OverparamRangeError).code).toBe('BAD_VALUE'); }
  });
});
