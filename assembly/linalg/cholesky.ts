// Cholesky factorisation of a shifted symmetric matrix, A − σI = L Lᵀ, and solves with L Lᵀ: the
// operator of shift-invert Lanczos (lanczos.ts), whose λ_min needs no Krylov steps across a
// clustered spectrum.
// The factorisation is row-oriented and left-looking (Cholesky–Crout by panels of PANEL
// columns): with L row-major, every entry is a dot product of two contiguous row prefixes, so
// nearly all the n³/3 flops go through one register-blocked kernel (4 rows × 2 rows, eight f64x2
// accumulators) that keeps the panel's rows in cache and runs at compute speed, not memory speed.

import { lanes } from "./symmetric";

/** Columns per panel: the panel's rows (PANEL × n f64) stay in L2 while every row below streams by. */
const PANEL: i32 = 32;
/** Columns per sub-panel: within a panel, all but these few columns' dot products go through the kernel. */
const SUB: i32 = 4;

/**
 * L[i][j] −= Σ_{kStart≤k<kEnd} L[i][k] L[j][k] for rows i in [r0, r1) and columns j in [j0, j1)
 * (rows j of L already final over those k). Entries with j > i (the upper part of a diagonal
 * block) are computed too and never read.
 */
export function choleskyPanelUpdate(L: usize, n: i32, r0: i32, r1: i32, j0: i32, j1: i32, kStart: i32, kEnd: i32): void {
  const rowBytes = <usize>n << 3;
  const shift = <usize>kStart << 3;
  L += shift; // rows now start at column kStart; the output column offsets below undo it
  kEnd -= kStart;
  const vecEnd = kEnd & ~1;
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const a0 = L + <usize>i * rowBytes, a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
    let j = j0;
    for (; j + 2 <= j1; j += 2) {
      const b0 = L + <usize>j * rowBytes, b1 = b0 + rowBytes;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let k = 0; k < vecEnd; k += 2) {
        const off = <usize>k << 3;
        const x0 = v128.load(b0 + off), x1 = v128.load(b1 + off);
        let w = v128.load(a0 + off);
        c00 = f64x2.add(c00, f64x2.mul(w, x0)); c01 = f64x2.add(c01, f64x2.mul(w, x1));
        w = v128.load(a1 + off);
        c10 = f64x2.add(c10, f64x2.mul(w, x0)); c11 = f64x2.add(c11, f64x2.mul(w, x1));
        w = v128.load(a2 + off);
        c20 = f64x2.add(c20, f64x2.mul(w, x0)); c21 = f64x2.add(c21, f64x2.mul(w, x1));
        w = v128.load(a3 + off);
        c30 = f64x2.add(c30, f64x2.mul(w, x0)); c31 = f64x2.add(c31, f64x2.mul(w, x1));
      }
      let s00 = lanes(c00), s01 = lanes(c01), s10 = lanes(c10), s11 = lanes(c11);
      let s20 = lanes(c20), s21 = lanes(c21), s30 = lanes(c30), s31 = lanes(c31);
      if (vecEnd < kEnd) {
        const off = <usize>vecEnd << 3;
        const x0 = load<f64>(b0 + off), x1 = load<f64>(b1 + off);
        s00 += load<f64>(a0 + off) * x0; s01 += load<f64>(a0 + off) * x1;
        s10 += load<f64>(a1 + off) * x0; s11 += load<f64>(a1 + off) * x1;
        s20 += load<f64>(a2 + off) * x0; s21 += load<f64>(a2 + off) * x1;
        s30 += load<f64>(a3 + off) * x0; s31 += load<f64>(a3 + off) * x1;
      }
      const col = (<usize>j << 3) - shift;
      subtract(a0 + col, s00, s01); subtract(a1 + col, s10, s11);
      subtract(a2 + col, s20, s21); subtract(a3 + col, s30, s31);
    }
    if (j < j1) {
      const b0 = L + <usize>j * rowBytes, col = (<usize>j << 3) - shift;
      store<f64>(a0 + col, load<f64>(a0 + col) - rowDot(a0, b0, kEnd));
      store<f64>(a1 + col, load<f64>(a1 + col) - rowDot(a1, b0, kEnd));
      store<f64>(a2 + col, load<f64>(a2 + col) - rowDot(a2, b0, kEnd));
      store<f64>(a3 + col, load<f64>(a3 + col) - rowDot(a3, b0, kEnd));
    }
  }
  for (; i < r1; i++) {
    const a0 = L + <usize>i * rowBytes;
    for (let j = j0; j < j1; j++) {
      const col = (<usize>j << 3) - shift;
      store<f64>(a0 + col, load<f64>(a0 + col) - rowDot(a0, L + <usize>j * rowBytes, kEnd));
    }
  }
}

// @ts-ignore: decorator
@inline function subtract(p: usize, s0: f64, s1: f64): void {
  store<f64>(p, load<f64>(p) - s0);
  store<f64>(p, load<f64>(p, 8) - s1, 8);
}

/**
 * Σ_{k<len} a[k] b[k] with the summation order of one lane pair of choleskyPanelUpdate's kernel
 * (f64x2 over pairs, lanes added, odd tail last), so an entry's value does not depend on which
 * path of the kernel computed it.
 */
function rowDot(a: usize, b: usize, len: i32): f64 {
  const vecEnd = len & ~1;
  let acc = f64x2.splat(0);
  for (let k = 0; k < vecEnd; k += 2) {
    const off = <usize>k << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + off), v128.load(b + off)));
  }
  let s = lanes(acc);
  if (vecEnd < len) s += load<f64>(a + (<usize>vecEnd << 3)) * load<f64>(b + (<usize>vecEnd << 3));
  return s;
}

/**
 * Finishes the panel's columns [j0, j1) for rows [j0, n) once choleskyPanelUpdate has removed
 * every column k < j0: sub-panels of SUB columns, each first updated by the kernel for the
 * panel's earlier columns, then factored one column at a time. Returns 0, or j + 1 when the pivot
 * of column j is not positive (A − σI is not positive definite to working precision).
 */
export function choleskyPanelFactor(L: usize, n: i32, j0: i32, j1: i32): i32 {
  for (let c0 = j0; c0 < j1; c0 += SUB) {
    const c1 = min<i32>(j1, c0 + SUB);
    if (c0 > j0) choleskyPanelUpdate(L, n, c0, n, c0, c1, j0, c0);
    const status = columnsFactor(L, n, c0, c1);
    if (status != 0) return status;
  }
  return 0;
}

/** choleskyPanelFactor's innermost step: columns [j0, j1) for rows [j0, n), scalar. */
function columnsFactor(L: usize, n: i32, j0: i32, j1: i32): i32 {
  const rowBytes = <usize>n << 3;
  for (let j = j0; j < j1; j++) {
    const rj = L + <usize>j * rowBytes, col = <usize>j << 3;
    let pivot = load<f64>(rj + col);
    for (let k = j0; k < j; k++) { const v = load<f64>(rj + (<usize>k << 3)); pivot -= v * v; }
    if (!(pivot > 0)) return j + 1;
    const djj = Math.sqrt(pivot);
    store<f64>(rj + col, djj);
    for (let i = j + 1; i < n; i++) {
      const ri = L + <usize>i * rowBytes;
      let s = load<f64>(ri + col);
      for (let k = j0; k < j; k++) s -= load<f64>(ri + (<usize>k << 3)) * load<f64>(rj + (<usize>k << 3));
      store<f64>(ri + col, s / djj);
    }
  }
  return 0;
}

/**
 * L Lᵀ = A − σI for symmetric A (n×n, f64, row-major; lower triangle read, A itself untouched):
 * L's lower triangle (diagonal included) overwrites the n×n buffer L, whose upper triangle is
 * left as scratch. Returns 0, or j + 1 when column j's pivot was not positive (L is then partial).
 */
export function choleskyShifted(A: usize, n: i32, sigma: f64, L: usize): i32 {
  choleskyLoad(A, n, sigma, L);
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = min<i32>(n, j0 + PANEL);
    choleskyPanelUpdate(L, n, j0, n, j0, j1, 0, j0);
    const status = choleskyPanelFactor(L, n, j0, j1);
    if (status != 0) return status;
  }
  return 0;
}

/** L = A − σI (whole rows copied; only the lower triangle matters). */
export function choleskyLoad(A: usize, n: i32, sigma: f64, L: usize): void {
  const rowBytes = <usize>n << 3;
  memory.copy(L, A, <usize>n * rowBytes);
  for (let i = 0; i < n; i++) {
    const p = L + <usize>i * rowBytes + (<usize>i << 3);
    store<f64>(p, load<f64>(p) - sigma);
  }
}

/** The panel width choleskyShifted uses (for callers that drive the panels themselves). */
export function choleskyPanelWidth(): i32 {
  return PANEL;
}

/**
 * x ← (L Lᵀ)⁻¹ x in place for the factor choleskyShifted left in L (lower triangle, row-major):
 * L y = x row by row (dot products), then Lᵀ x = y from the last row up (each row of L an axpy).
 * Both sweeps read L in memory order, two rows at a time.
 */
export function choleskySolve(L: usize, n: i32, x: usize): void {
  const rowBytes = <usize>n << 3;
  // Forward: y_i = (x_i − L[i, 0:i)·y[0:i)) / l_ii.
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const r0 = L + <usize>i * rowBytes, r1 = r0 + rowBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    let k = 0;
    for (; k + 2 <= i; k += 2) {
      const off = <usize>k << 3;
      const y = v128.load(x + off);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + off), y));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + off), y));
    }
    let s0 = lanes(a0), s1 = lanes(a1);
    for (; k < i; k++) {
      const off = <usize>k << 3;
      const y = load<f64>(x + off);
      s0 += load<f64>(r0 + off) * y;
      s1 += load<f64>(r1 + off) * y;
    }
    const p0 = x + (<usize>i << 3);
    const y0 = (load<f64>(p0) - s0) / load<f64>(r0 + (<usize>i << 3));
    store<f64>(p0, y0);
    s1 += load<f64>(r1 + (<usize>i << 3)) * y0;
    store<f64>(p0, (load<f64>(p0, 8) - s1) / load<f64>(r1 + (<usize>(i + 1) << 3)), 8);
  }
  if (i < n) {
    const r0 = L + <usize>i * rowBytes, p0 = x + (<usize>i << 3);
    store<f64>(p0, (load<f64>(p0) - rowDot(r0, x, i)) / load<f64>(r0 + (<usize>i << 3)));
  }
  // Backward: x_j = y_j / l_jj, then y[0:j) −= x_j L[j, 0:j); rows j and j − 1 together.
  let j = n - 1;
  for (; j >= 1; j -= 2) {
    const r1 = L + <usize>j * rowBytes, r0 = r1 - rowBytes;
    const p1 = x + (<usize>j << 3), p0 = p1 - 8;
    const x1 = load<f64>(p1) / load<f64>(r1 + (<usize>j << 3));
    store<f64>(p1, x1);
    const x0 = (load<f64>(p0) - load<f64>(r1 + (<usize>(j - 1) << 3)) * x1) / load<f64>(r0 + (<usize>(j - 1) << 3));
    store<f64>(p0, x0);
    const len = j - 1;
    const x1v = f64x2.splat(x1), x0v = f64x2.splat(x0);
    let k = 0;
    for (; k + 2 <= len; k += 2) {
      const off = <usize>k << 3;
      const upd = f64x2.add(f64x2.mul(x1v, v128.load(r1 + off)), f64x2.mul(x0v, v128.load(r0 + off)));
      v128.store(x + off, f64x2.sub(v128.load(x + off), upd));
    }
    for (; k < len; k++) {
      const off = <usize>k << 3;
      store<f64>(x + off, load<f64>(x + off) - (x1 * load<f64>(r1 + off) + x0 * load<f64>(r0 + off)));
    }
  }
  if (j == 0) store<f64>(x, load<f64>(x) / load<f64>(L));
}
