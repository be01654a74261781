// Dense symmetric eigenvalues (and eigenvectors): Householder reduction to tridiagonal form, then
// implicit QL.
// The reduction runs from the last row up (as tred2 does), so step i transforms the leading
// i×i block B, and every inner loop walks a row of B's lower triangle in memory order: the
// symmetric product p = B u reads row j once for both its dot product (p_j) and its axpy
// (p_k += b_jk u_j, k < j), and the rank-2 update B ← B − u qᵀ − q uᵀ touches k ≤ j only
// (fused with the next step's product, so each step streams the triangle once). From 192 rows on,
// a pass is split in two parts of equal work with their own p, which two threads run at once.

import { tridiagonalQL, tridiagonalEigenvalues, sortAscending, sortAscendingWithIndex } from "./tridiagonal";
import { dot64, axpy64, scale64, lanes } from "./symmetric";

/** row[0..len) −= uj·q + qj·u: one row of the rank-2 update B ← B − u qᵀ − q uᵀ. */
// @ts-ignore: decorator
@inline function rank2Row(row: usize, len: i32, u: usize, q: usize, uj: f64, qj: f64): void {
  const ujv = f64x2.splat(uj), qjv = f64x2.splat(qj);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const off = <usize>k << 3;
    const r0 = f64x2.add(f64x2.mul(ujv, v128.load(q + off)), f64x2.mul(qjv, v128.load(u + off)));
    const r1 = f64x2.add(f64x2.mul(ujv, v128.load(q + off, 16)), f64x2.mul(qjv, v128.load(u + off, 16)));
    v128.store(row + off, f64x2.sub(v128.load(row + off), r0));
    v128.store(row + off, f64x2.sub(v128.load(row + off, 16), r1), 16);
  }
  for (; k < len; k++) {
    const off = <usize>k << 3;
    store<f64>(row + off, load<f64>(row + off) - (uj * load<f64>(q + off) + qj * load<f64>(u + off)));
  }
}

/** B ← B − u qᵀ − q uᵀ on the lower triangle (k ≤ j) of the m×m block B. */
function rank2Lower(B: usize, rowBytes: usize, m: i32, u: usize, q: usize): void {
  for (let j = 0; j < m; j++) {
    rank2Row(B + <usize>j * rowBytes, j + 1, u, q,
      load<f64>(u + (<usize>j << 3)), load<f64>(q + (<usize>j << 3)));
  }
}

/**
 * One pass over rows [rowStart, rowEnd) of the lower triangle of the block B: if `update` (a
 * compile-time constant after inlining), first B ← B − u qᵀ − q uᵀ (this step's update); then
 * p = (those rows of) B v from the updated entries (the next step's product): row j adds its dot
 * product into p_j and its entries times v_j into p_k, k < j, so p[0..rowEnd) is zeroed first.
 * Fusing the two halves the memory traffic, which is what limits the reduction once A no longer
 * fits in cache.
 */
// @ts-ignore: decorator
@inline function lowerPass(B: usize, rowBytes: usize, u: usize, q: usize, v: usize, p: usize, update: bool,
                           rowStart: i32, rowEnd: i32): void {
  memory.fill(p, 0, <usize>rowEnd << 3);
  for (let j = rowStart; j < rowEnd; j++) {
    const row = B + <usize>j * rowBytes;
    const uj = update ? load<f64>(u + (<usize>j << 3)) : 0, qj = update ? load<f64>(q + (<usize>j << 3)) : 0;
    const vj = load<f64>(v + (<usize>j << 3));
    const ujv = f64x2.splat(uj), qjv = f64x2.splat(qj), vjv = f64x2.splat(vj);
    let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
    let k = 0;
    for (; k + 4 <= j; k += 4) {
      const off = <usize>k << 3;
      let a0 = v128.load(row + off), a1 = v128.load(row + off, 16);
      if (update) {
        a0 = f64x2.sub(a0, f64x2.add(f64x2.mul(ujv, v128.load(q + off)), f64x2.mul(qjv, v128.load(u + off))));
        a1 = f64x2.sub(a1, f64x2.add(f64x2.mul(ujv, v128.load(q + off, 16)), f64x2.mul(qjv, v128.load(u + off, 16))));
        v128.store(row + off, a0);
        v128.store(row + off, a1, 16);
      }
      acc0 = f64x2.add(acc0, f64x2.mul(a0, v128.load(v + off)));
      acc1 = f64x2.add(acc1, f64x2.mul(a1, v128.load(v + off, 16)));
      v128.store(p + off, f64x2.add(v128.load(p + off), f64x2.mul(a0, vjv)));
      v128.store(p + off, f64x2.add(v128.load(p + off, 16), f64x2.mul(a1, vjv)), 16);
    }
    let s = lanes(f64x2.add(acc0, acc1));
    for (; k < j; k++) {
      const off = <usize>k << 3;
      let a = load<f64>(row + off);
      if (update) {
        a -= uj * load<f64>(q + off) + qj * load<f64>(u + off);
        store<f64>(row + off, a);
      }
      s += a * load<f64>(v + off);
      store<f64>(p + off, load<f64>(p + off) + a * vj);
    }
    const dj = row + (<usize>j << 3);
    let a = load<f64>(dj);
    if (update) {
      a -= uj * qj + qj * uj;
      store<f64>(dj, a);
    }
    const pj = p + (<usize>j << 3);
    store<f64>(pj, load<f64>(pj) + s + a * vj);
  }
}

/** lowerPass on rows [rowStart, rowEnd) into p, with or without the update (update ≠ 0): one part of a split pass. */
export function householderPassRows(B: usize, rowBytes: usize, u: usize, q: usize, v: usize, p: usize, update: i32,
                                    rowStart: i32, rowEnd: i32): void {
  if (update != 0) lowerPass(B, rowBytes, u, q, v, p, true, rowStart, rowEnd);
  else lowerPass(B, rowBytes, u, q, v, p, false, rowStart, rowEnd);
}

/**
 * From this block size on, a pass is split in two parts of about equal work, rows [0, m/√2) and
 * [m/√2, m), each with its own p, added afterwards. The split depends on m only, never on the
 * thread count, so one thread (both parts in turn) and two (one part each) give the same bits.
 */
// @ts-ignore: decorator
@inline const SPLIT_MIN_ROWS = 192;

/** Whether split passes run their two parts on two threads (set by src/wasm/loader.ts when it starts a pool). */
let passesOnThreads = false;

/** Lets split passes call householderParallelPass (the host's fork/join) instead of running both parts here. */
export function setHouseholderThreads(on: bool): void {
  passesOnThreads = on;
}

/** The host runs householderPassRows on rows [0, split) into p and on [split, m) into other, in parallel. */
// @ts-ignore: decorator
@external("env", "householderParallelPass")
declare function householderParallelPass(B: usize, rowBytes: usize, u: usize, q: usize, v: usize, p: usize,
                                         other: usize, update: i32, split: i32, m: i32): void;

/**
 * The fused pass over the m×m block (see lowerPass), split in two parts for m ≥ SPLIT_MIN_ROWS:
 * p = p_part0 + p_part1, where only part 1's rows reach entries k ≥ split. other: m f64 scratch.
 */
function fusedPass(B: usize, rowBytes: usize, m: i32, u: usize, q: usize, v: usize, p: usize, other: usize,
                   update: bool): void {
  if (m < SPLIT_MIN_ROWS) {
    householderPassRows(B, rowBytes, u, q, v, p, update ? 1 : 0, 0, m);
    return;
  }
  const split = <i32>(<f64>m * Math.SQRT1_2);
  if (passesOnThreads) {
    householderParallelPass(B, rowBytes, u, q, v, p, other, update ? 1 : 0, split, m);
  } else {
    householderPassRows(B, rowBytes, u, q, v, p, update ? 1 : 0, 0, split);
    householderPassRows(B, rowBytes, u, q, v, other, update ? 1 : 0, split, m);
  }
  for (let k = 0; k < split; k++) {
    store<f64>(p + (<usize>k << 3), load<f64>(p + (<usize>k << 3)) + load<f64>(other + (<usize>k << 3)));
  }
  memory.copy(p + (<usize>split << 3), other + (<usize>split << 3), <usize>(m - split) << 3);
}

/**
 * The Householder vector of step i from x = row[0..i) (i ≥ 1): writes u = x/scale − g·e_{i−1}
 * (scaled units; H = I − u uᵀ/h) and e[i−1] = the new off-diagonal, and returns h, or 0 when no
 * reflection is needed (i = 1, or x = 0). If keep ≠ 0, also keep[i] = h and row[0..i) = u (x is
 * no longer needed), for accumulating the transformation afterwards.
 */
function house(row: usize, i: i32, u: usize, e: usize, keep: usize): f64 {
  const l = i - 1;
  let scale: f64 = 0;
  for (let k = 0; k < i; k++) scale += abs<f64>(load<f64>(row + (<usize>k << 3)));
  if (i == 1 || scale == 0) {
    store<f64>(e + (<usize>l << 3), load<f64>(row + (<usize>l << 3)));
    if (keep != 0) store<f64>(keep + (<usize>i << 3), 0);
    return 0;
  }
  // Divide rather than multiply by 1/scale: for a subnormal scale the reciprocal overflows to ∞.
  let h: f64 = 0;
  for (let k = 0; k < i; k++) {
    const v = load<f64>(row + (<usize>k << 3)) / scale;
    store<f64>(u + (<usize>k << 3), v);
    h += v * v;
  }
  const f = load<f64>(u + (<usize>l << 3));
  const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
  store<f64>(e + (<usize>l << 3), scale * g);
  h -= f * g;
  store<f64>(u + (<usize>l << 3), f - g);
  if (keep != 0) {
    store<f64>(keep + (<usize>i << 3), h);
    memory.copy(row, u, <usize>i << 3);
  }
  return h;
}

/**
 * Reduces symmetric A (n×n, f64, lower triangle read; destroyed) to tridiagonal T = QᵀAQ:
 * diagonal d[0..n), off-diagonal e[0..n−1) (e[i] couples i and i+1). work: 5n f64. If keep ≠ 0
 * (n f64), step i's reflection is left in keep[i] = h_i (0: none) and row i of A (u_i, left of
 * the diagonal), so that accumulateReflections can form Qᵀ.
 * Step i (i = n−1 … 1) reflects row i's part left of the diagonal onto its last entry and
 * transforms the leading i×i block B: p = B u/h, q = p − (uᵀp/2h) u, B ← B − u qᵀ − q uᵀ.
 * The update of step i and the product B u of step i − 1 share one pass over B.
 */
export function tridiagonalize(A: usize, n: i32, d: usize, e: usize, work: usize, keep: usize): void {
  if (n <= 0) return;
  const rowBytes = <usize>n << 3;
  let u = work, p = work + rowBytes, u2 = p + rowBytes, p2 = u2 + rowBytes;
  const other = p2 + rowBytes;
  let h: f64 = 0;
  if (n >= 2) {
    h = house(A + <usize>(n - 1) * rowBytes, n - 1, u, e, keep);
    if (h != 0) fusedPass(A, rowBytes, n - 1, 0, 0, u, p, other, false);
  }
  for (let i = n - 1; i >= 1; i--) {
    const row = A + <usize>i * rowBytes;
    store<f64>(d + (<usize>i << 3), load<f64>(row + (<usize>i << 3)));
    const below = row - rowBytes; // row i − 1: the last row of the block
    if (h == 0) {
      if (i >= 2) {
        h = house(below, i - 1, u, e, keep);
        if (h != 0) fusedPass(A, rowBytes, i - 1, 0, 0, u, p, other, false);
      }
      continue;
    }
    // q = p/h − K u with K = uᵀp/(2h²), in place in p (here i ≥ 2).
    const invH = 1.0 / h;
    scale64(invH, p, i);
    axpy64(-(dot64(u, p, i) * 0.5 * invH), u, p, i);
    // The block's last row first: it holds the next step's x.
    rank2Row(below, i, u, p, load<f64>(u + (<usize>(i - 1) << 3)), load<f64>(p + (<usize>(i - 1) << 3)));
    const h2 = house(below, i - 1, u2, e, keep);
    if (h2 != 0) fusedPass(A, rowBytes, i - 1, u, p, u2, p2, other, true);
    else rank2Lower(A, rowBytes, i - 1, u, p);
    const tu = u; u = u2; u2 = tu;
    const tp = p; p = p2; p2 = tp;
    h = h2;
  }
  store<f64>(d, load<f64>(A));
}

/**
 * All eigenvalues of symmetric A (n×n, f64, row-major; destroyed), ascending, into d[0..n).
 * work: 6n f64. Householder tridiagonalisation + root-free QL/QR (tridiagonalEigenvalues). Returns
 * 0, or −1 if the iteration failed.
 */
export function symmetricEigenvalues(A: usize, n: i32, d: usize, work: usize): i32 {
  const e = work;
  tridiagonalize(A, n, d, e, work + (<usize>n << 3), 0);
  const status = tridiagonalEigenvalues(d, e, n);
  sortAscending(d, n);
  return status;
}

/** Rows of W a block of accumulateReflectionRows updates together (32 rows of n = 1000: 256 KB, in L2). */
// @ts-ignore: decorator
@inline const REFLECTION_ROW_BLOCK = 32;

/**
 * Rows [rowStart, rowEnd) of W = Qᵀ = P_2 P_3 ⋯ P_{n−1} from the reflections tridiagonalize kept
 * (P_i = I − u_i u_iᵀ/h_i on coordinates 0..i−1), so that T = QᵀAQ. Right-multiplying by P_i
 * changes the leading i columns of rows 0..i−1: w_r ← w_r − (w_r·u_i / h_i) u_i. A row's result
 * depends on that row and the u_i only, so rows may be split between threads at any point with
 * the same bits. Rows go in blocks that stay in L2 while each u_i streams past once a block
 * (row by row over all i, W would stream through memory once per reflection).
 */
export function accumulateReflectionRows(A: usize, n: i32, keep: usize, W: usize, rowStart: i32, rowEnd: i32): void {
  const rowBytes = <usize>n << 3;
  for (let r = rowStart; r < rowEnd; r++) {
    const wr = W + <usize>r * rowBytes;
    memory.fill(wr, 0, rowBytes);
    store<f64>(wr + (<usize>r << 3), 1.0);
  }
  for (let block = rowStart; block < rowEnd; block += REFLECTION_ROW_BLOCK) {
    const blockEnd = min(block + REFLECTION_ROW_BLOCK, rowEnd);
    for (let i = max(2, block + 1); i < n; i++) {
      const h = load<f64>(keep + (<usize>i << 3));
      if (h == 0) continue;
      const u = A + <usize>i * rowBytes;
      const invH = 1.0 / h;
      const last = min(blockEnd, i);
      for (let r = block; r < last; r++) {
        const wr = W + <usize>r * rowBytes;
        const s = dot64(wr, u, i) * invH;
        if (s != 0) axpy64(-s, u, wr, i);
      }
    }
  }
}

/** f64 offsets in symmetricEigenvectors' work (8n f64): e, keep, idx (n i32 in n f64), then tridiagonalize's 5n. */
// @ts-ignore: decorator
@inline function keepOf(work: usize, n: i32): usize { return work + (<usize>n << 3); }
// @ts-ignore: decorator
@inline function indexOf(work: usize, n: i32): usize { return work + (<usize>n << 4); }

/**
 * The first stage of symmetricEigenvectors: A (lower triangle, destroyed) to tridiagonal (d, and
 * e = work[0..n)), each reflection kept (h_i in work[n..2n), u_i in row i of A).
 */
export function eigenvectorsTridiagonalize(A: usize, n: i32, d: usize, work: usize): void {
  tridiagonalize(A, n, d, work, indexOf(work, n) + (<usize>n << 3), keepOf(work, n));
}

/**
 * The last stage of symmetricEigenvectors: the eigenvalues d ascending, and V into A with column j
 * the eigenvector of d[j] = row idx[j] of W (W's rows are the eigenvectors after tridiagonalQL).
 */
export function eigenvectorsSort(A: usize, n: i32, d: usize, W: usize, work: usize): void {
  const rowBytes = <usize>n << 3;
  const idx = indexOf(work, n);
  for (let j = 0; j < n; j++) store<i32>(idx + (<usize>j << 2), j);
  sortAscendingWithIndex(d, idx, n);
  for (let j = 0; j < n; j++) {
    const src = W + <usize>load<i32>(idx + (<usize>j << 2)) * rowBytes;
    for (let r = 0; r < n; r++) {
      store<f64>(A + <usize>r * rowBytes + (<usize>j << 3), load<f64>(src + (<usize>r << 3)));
    }
  }
}

/**
 * All eigenpairs of symmetric A (n×n, f64, row-major): on return d[0..n) holds the eigenvalues
 * ascending and A holds V with column j the unit eigenvector of d[j] (A = V diag(d) Vᵀ).
 * W: n×n f64 scratch; work: 8n f64. Householder tridiagonalisation, accumulation of Qᵀ, then
 * implicit QL rotating rows of Wᵀ = (QZ)ᵀ. Returns 0, or −1 if QL failed. (src/wasm/parallel.ts
 * runs the same stages with the two O(n³) middle ones split over threads.)
 */
export function symmetricEigenvectors(A: usize, n: i32, d: usize, W: usize, work: usize): i32 {
  eigenvectorsTridiagonalize(A, n, d, work);
  accumulateReflectionRows(A, n, keepOf(work, n), W, 0, n);
  const status = tridiagonalQL(d, work, n, W, 0, n);
  eigenvectorsSort(A, n, d, W, work);
  return status;
}
