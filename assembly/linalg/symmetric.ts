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
