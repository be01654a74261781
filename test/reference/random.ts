/** Test-only random numbers (need not match the package's RNG). */

/** mulberry32: a small seeded uniform generator on [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample by Box–Muller: √(−2 ln u1) cos(2π u2). */
export function gaussian(rand: () => number): number {
  let u1 = rand();
  while (u1 === 0) u1 = rand();
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** rows×cols row-major matrix with i.i.d. N(0, scale²) entries. */
export function randomMatrix(rows: number, cols: number, rand: () => number, scale = 1): Float64Array {
  const A = new Float64Array(rows * cols);
  for (let k = 0; k < rows * cols; k++) A[k] = scale * gaussian(rand);
  return A;
}

/** m i.i.d. signs, uniform on {−1, +1}. */
export function randomSigns(m: number, rand: () => number): Float64Array {
  const a = new Float64Array(m);
  for (let r = 0; r < m; r++) a[r] = rand() < 0.5 ? -1 : 1;
  return a;
}

/** n×d matrix whose rows are uniform on the unit sphere (normalised Gaussian vectors). */
export function randomUnitRows(n: number, d: number, rand: () => number): Float64Array {
  const X = randomMatrix(n, d, rand);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] * X[i * d + k];
    const norm = Math.sqrt(s);
    for (let k = 0; k < d; k++) X[i * d + k] /= norm;
  }
  return X;
}
