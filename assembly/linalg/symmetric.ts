// Float64 vector and matrix helpers of the symmetric eigenvalue kernels. Matrices are n×n,
// row-major, f64; no alignment is required (v128.load is unaligned).

/** Sum of the two lanes of an f64x2. */
// @ts-ignore: decorator
@inline export function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_k a[k] b[k] over f64, two f64x2 accumulators, fixed summation order. */
export function dot64(a: usize, b: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const off = <usize>k << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + off), v128.load(b + off)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
  }
  let sum = lanes(f64x2.add(acc0, acc1));
  for (; k < len; k++) {
    const off = <usize>k << 3;
    sum += load<f64>(a + off) * load<f64>(b + off);
  }
  return sum;
}

/** y += alpha·x over f64. */
export function axpy64(alpha: f64, x: usize, y: usize, len: i32): void {
  const av = f64x2.splat(alpha);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const off = <usize>k << 3;
    v128.store(y + off, f64x2.add(v128.load(y + off), f64x2.mul(av, v128.load(x + off))));
    v128.store(y + off, f64x2.add(v128.load(y + off, 16), f64x2.mul(av, v128.load(x + off, 16))), 16);
  }
  for (; k < len; k++) {
    const off = <usize>k << 3;
    store<f64>(y + off, load<f64>(y + off) + alpha * load<f64>(x + off));
  }
}

/** x *= alpha over f64. */
export function scale64(alpha: f64, x: usize, len: i32): void {
  const av = f64x2.splat(alpha);
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const off = <usize>k << 3;
    v128.store(x + off, f64x2.mul(av, v128.load(x + off)));
  }
  if (k < len) store<f64>(x + (<usize>k << 3), alpha * load<f64>(x + (<usize>k << 3)));
}

/** y = A x for A n×n (f64, row-major): one dot product per row, two rows at a time. */
export function symmetricMatVec(A: usize, n: i32, x: usize, y: usize): void {
  const rowBytes = <usize>n << 3;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const r0 = A + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      const off = <usize>k << 3;
      const x0 = v128.load(x + off), x1 = v128.load(x + off, 16);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + off), x0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r0 + off, 16), x1));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(r1 + off), x0));
      b1 = f64x2.add(b1, f64x2.mul(v128.load(r1 + off, 16), x1));
    }
    let s0 = lanes(f64x2.add(a0, a1));
    let s1 = lanes(f64x2.add(b0, b1));
    for (; k < n; k++) {
      const off = <usize>k << 3;
      const xk = load<f64>(x + off);
      s0 += load<f64>(r0 + off) * xk;
      s1 += load<f64>(r1 + off) * xk;
    }
    store<f64>(y + (<usize>i << 3), s0);
    store<f64>(y + (<usize>(i + 1) << 3), s1);
  }
  if (i < n) store<f64>(y + (<usize>i << 3), dot64(A + <usize>i * rowBytes, x, n));
}

/** Rows and columns of the tiles inspectSymmetric compares against their mirror images. */
// @ts-ignore: decorator
@inline const INSPECT_TILE = 32;

/**
 * What the spectra's argument checks need from A (n×n, f64, a copy of the caller's matrix), in
 * one pass over it and one over its upper triangle in tiles (a JavaScript loop reading a_ji by
 * columns took 7 ms at n = 1000): out[0] = the first index k (row-major) with a non-finite a_k,
 * or −1; out[1] = max |a_k|; out[2] = max_{i<j} |a_ij − a_ji|. Only when that gap exceeds
 * relTol·max|a_k| (the caller then throws) does a third pass look for the first such (i, j) in
 * row-major order, into (out[3], out[4]). With a non-finite entry, only out[0] is meaningful.
 */
export function inspectSymmetric(A: usize, n: i32, relTol: f64, out: usize): void {
  const count = <usize>n * <usize>n;
  let bad = f64x2.splat(0), big = f64x2.splat(0);
  const pairs = count & ~1;
  for (let k: usize = 0; k < pairs; k += 2) {
    const x = v128.load(A + (k << 3));
    const dx = f64x2.sub(x, x); // 0 for a finite x, NaN otherwise
    bad = v128.or(bad, f64x2.ne(dx, dx));
    const ax = f64x2.abs(x);
    big = v128.bitselect(ax, big, f64x2.gt(ax, big)); // not f64x2.max, which V8 spells out at length
  }
  let first: f64 = -1;
  let biggest = max<f64>(f64x2.extract_lane(big, 0), f64x2.extract_lane(big, 1));
  if (pairs < count) {
    const x = load<f64>(A + (pairs << 3));
    biggest = max<f64>(biggest, abs<f64>(x));
    if (!isFinite(x)) first = <f64>pairs;
  }
  if (v128.any_true(bad)) { // the first non-finite entry lies among the pairs, before the odd one
    for (let k: usize = 0; k < pairs; k++) {
      if (!isFinite(load<f64>(A + (k << 3)))) { first = <f64>k; break; }
    }
  }
  store<f64>(out, first);
  store<f64>(out, biggest, 8);
  if (first >= 0) return;
  const rowBytes = <usize>n << 3;
  let worst: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += INSPECT_TILE) {
    const i1 = min(n, i0 + INSPECT_TILE);
    for (let j0 = i0; j0 < n; j0 += INSPECT_TILE) {
      const j1 = min(n, j0 + INSPECT_TILE);
      for (let i = i0; i < i1; i++) {
        const row = A + <usize>i * rowBytes, column = A + (<usize>i << 3);
        for (let j = max(j0, i + 1); j < j1; j++) {
          // A compare, not f64.max: V8 spells out max's NaN and −0 rules with branches.
          const gap = abs<f64>(load<f64>(row + (<usize>j << 3)) - load<f64>(column + <usize>j * rowBytes));
          if (gap > worst) worst = gap;
        }
      }
    }
  }
  store<f64>(out, worst, 16);
  if (!(worst > relTol * biggest)) return;
  for (let i = 0; i < n; i++) {
    const row = A + <usize>i * rowBytes, column = A + (<usize>i << 3);
    for (let j = i + 1; j < n; j++) {
      if (abs<f64>(load<f64>(row + (<usize>j << 3)) - load<f64>(column + <usize>j * rowBytes)) == worst) {
        store<f64>(out, <f64>i, 24);
        store<f64>(out, <f64>j, 32);
        return;
      }
    }
  }
}

/**
 * Makes A exactly symmetric (a_ij, a_ji ← their mean where they differ) and scales it by 2^−e
 * (exact) so that max|a_ij| lies in [0.5, 1]. Returns e: eigenvalues of the input are those of
 * the scaled matrix times 2^e (e = 0 for the zero matrix).
 */
export function prepareSymmetric(A: usize, n: i32): i32 {
  const rowBytes = <usize>n << 3;
  let big: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ii = A + <usize>i * rowBytes + (<usize>i << 3);
    big = max<f64>(big, abs<f64>(load<f64>(ii)));
    for (let j = i + 1; j < n; j++) {
      const pij = A + <usize>i * rowBytes + (<usize>j << 3);
      const pji = A + <usize>j * rowBytes + (<usize>i << 3);
      let v = load<f64>(pij);
      const w = load<f64>(pji);
      if (v != w) {
        v = 0.5 * v + 0.5 * w;
        store<f64>(pij, v);
        store<f64>(pji, v);
      }
      big = max<f64>(big, abs<f64>(v));
    }
  }
  if (big == 0 || !isFinite(big)) return 0;
  const e = <i32>Math.floor(Math.log2(big)) + 1;
  if (e == 0) return 0;
  // Two power-of-two factors so that neither overflows (|e| can reach 1074).
  const h = e >> 1;
  const s1 = NativeMath.pow(2.0, <f64>-h);
  const s2 = NativeMath.pow(2.0, <f64>-(e - h));
  const count = <usize>n * <usize>n;
  for (let k: usize = 0; k < count; k++) {
    const p = A + (k << 3);
    store<f64>(p, load<f64>(p) * s1 * s2);
  }
  return e;
}

/** max_i Σ_j |a_ij|: an upper bound on the spectral radius of A (n×n, f64). */
export function maxAbsRowSum(A: usize, n: i32): f64 {
  const rowBytes = <usize>n << 3;
  let best: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = A + <usize>i * rowBytes;
    let s: f64 = 0;
    for (let j = 0; j < n; j++) s += abs<f64>(load<f64>(row + (<usize>j << 3)));
    best = max<f64>(best, s);
  }
  return best;
}

/** Fills v (length n) with the fixed start vector (xorshift32 from a constant seed, entries in (−1, 1)), unit norm. */
export function startVector(v: usize, n: i32): void {
  let s: u32 = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    store<f64>(v + (<usize>i << 3), <f64>s * 4.656612873077393e-10 - 1.0); // s/2^31 − 1
  }
  scale64(1.0 / Math.sqrt(dot64(v, v, n)), v, n);
}
