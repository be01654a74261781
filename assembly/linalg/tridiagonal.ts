// Symmetric tridiagonal eigenproblems, for the dense solver: all eigenpairs by implicit QL with
// Wilkinson shifts (the tqli recurrence of Numerical Recipes, 0-based), all eigenvalues alone by
// the root-free Pal–Walker–Kahan QL/QR, and an in-place sort; and one extreme eigenpair by
// bisection and inverse iteration, for the Lanczos convergence checks.

const EPS: f64 = 2.220446049250313e-16;

/** √(a² + b²) without destructive overflow or underflow. */
// @ts-ignore: decorator
@inline function pythag(a: f64, b: f64): f64 {
  const x = abs<f64>(a), y = abs<f64>(b);
  if (x > y) { const t = y / x; return x * Math.sqrt(1.0 + t * t); }
  if (y == 0) return 0;
  const t = x / y;
  return y * Math.sqrt(1.0 + t * t);
}

/**
 * Eigenpairs of the n×n symmetric tridiagonal matrix with diagonal d[0..n) and off-diagonal
 * e[0..n−1) (e[i] couples i and i+1; e has length n, e[n−1] is scratch). On return d holds the
 * eigenvalues in no particular order and e is destroyed; every plane rotation in the (i, i+1)
 * plane is applied to rows i and i+1 of W (n×n, f64): start from W = Qᵀ and row j ends as the
 * eigenvector (of QTQᵀ) of d[j]. (Eigenvalues alone: tridiagonalEigenvalues, without rotations.)
 * Only columns [colStart, colEnd) of W are rotated: the rotations depend on d and e alone and
 * each column of W gets the same operations whatever the range, so threads that each replay the
 * recurrence on their own copy of d and e, on their own columns, give the bits of one full call.
 * Returns 0, or −1 if some eigenvalue needed more than 60 QL sweeps (not seen in practice).
 */
export function tridiagonalQL(d: usize, e: usize, n: i32, W: usize, colStart: i32, colEnd: i32): i32 {
  const rowBytes = <usize>n << 3;
  if (n <= 0) return 0;
  const columns = W + (<usize>colStart << 3), width = colEnd - colStart;
  store<f64>(e + (<usize>(n - 1) << 3), 0);
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m = l;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = abs<f64>(load<f64>(d + (<usize>m << 3))) + abs<f64>(load<f64>(d + (<usize>(m + 1) << 3)));
        if (abs<f64>(load<f64>(e + (<usize>m << 3))) <= EPS * dd) break;
      }
      if (m != l) {
        if (iter++ == 60) return -1;
        const dl = load<f64>(d + (<usize>l << 3));
        const el = load<f64>(e + (<usize>l << 3));
        let g = (load<f64>(d + (<usize>(l + 1) << 3)) - dl) / (2.0 * el);
        let r = pythag(g, 1.0);
        g = load<f64>(d + (<usize>m << 3)) - dl + el / (g + (g >= 0 ? abs<f64>(r) : -abs<f64>(r)));
        let s: f64 = 1, c: f64 = 1, p: f64 = 0;
        let i = m - 1;
        let underflow = false;
        for (; i >= l; i--) {
          const ei = load<f64>(e + (<usize>i << 3));
          const f = s * ei;
          const b = c * ei;
          r = pythag(f, g);
          store<f64>(e + (<usize>(i + 1) << 3), r);
          if (r == 0) {
            // Recover from underflow: deflate and start again.
            const pd = d + (<usize>(i + 1) << 3);
            store<f64>(pd, load<f64>(pd) - p);
            store<f64>(e + (<usize>m << 3), 0);
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          const pd1 = d + (<usize>(i + 1) << 3);
          g = load<f64>(pd1) - p;
          r = (load<f64>(d + (<usize>i << 3)) - g) * s + 2.0 * c * b;
          p = s * r;
          store<f64>(pd1, g + p);
          g = c * r - b;
          rotateRows(columns + <usize>i * rowBytes, rowBytes, width, c, s);
        }
        if (underflow) continue;
        store<f64>(d + (<usize>l << 3), load<f64>(d + (<usize>l << 3)) - p);
        store<f64>(e + (<usize>l << 3), g);
        store<f64>(e + (<usize>m << 3), 0);
      }
    } while (m != l);
  }
  return 0;
}

/** LAPACK's relative machine precision, 2^−53 (the unit roundoff; EPS above is 2^−52). */
const UNIT_ROUNDOFF: f64 = 1.1102230246251565e-16;
/** The smallest normal f64. */
const SAFE_MIN: f64 = 2.2250738585072014e-308;

/**
 * Eigenvalues only of the symmetric tridiagonal (d, e) (layout as tridiagonalQL; d ends in no
 * particular order, e destroyed) by the root-free QL/QR iteration of Pal, Walker and Kahan, the
 * method of LAPACK's dsterf. It iterates on the squared off-diagonals, so a step costs divisions
 * but no square root: tridiagonalQL's step needs √ (in pythag) and two divisions on one chain of
 * dependent operations. Each unreduced block is first scaled by a power of two into a range where
 * the squares neither overflow nor underflow, and is swept from its smaller end (QL from the top
 * or QR from the bottom). Returns 0, or −1 after 30n sweeps in all.
 */
export function tridiagonalEigenvalues(d: usize, e: usize, n: i32): i32 {
  if (n <= 1) return 0;
  const eps2 = UNIT_ROUNDOFF * UNIT_ROUNDOFF;
  const largest = Math.sqrt(1.0 / SAFE_MIN) / 3.0, smallest = Math.sqrt(SAFE_MIN) / eps2;
  const maxSweeps = 30 * n;
  let sweeps = 0;
  let start = 0;
  while (start < n) {
    if (start > 0) setAt(e, start - 1, 0);
    let end = start;
    for (; end < n - 1; end++) {
      const tiny = Math.sqrt(abs<f64>(at(d, end))) * Math.sqrt(abs<f64>(at(d, end + 1))) * UNIT_ROUNDOFF;
      if (abs<f64>(at(e, end)) <= tiny) { setAt(e, end, 0); break; }
    }
    const lo = start, hi = end;
    start = end + 1;
    if (hi == lo) continue;
    let norm: f64 = 0;
    for (let i = lo; i <= hi; i++) norm = max(norm, abs<f64>(at(d, i)));
    for (let i = lo; i < hi; i++) norm = max(norm, abs<f64>(at(e, i)));
    if (norm == 0) continue;
    if (!(norm < Infinity)) return -1; // NaN or ∞ entries: nothing to iterate on
    let scale: f64 = 1; // a power of two, so scaling is exact
    while (norm * scale > largest) scale *= 0.5;
    while (norm * scale < smallest) scale *= 2.0;
    for (let i = lo; i <= hi; i++) setAt(d, i, at(d, i) * scale);
    for (let i = lo; i < hi; i++) { const x = at(e, i) * scale; setAt(e, i, x * x); }
    const ok = abs<f64>(at(d, hi)) < abs<f64>(at(d, lo))
      ? sweepBlock(d, e, hi, lo, -1, eps2, maxSweeps, sweeps)
      : sweepBlock(d, e, lo, hi, 1, eps2, maxSweeps, sweeps);
    sweeps = ok < 0 ? maxSweeps : ok;
    for (let i = lo; i <= hi; i++) setAt(d, i, at(d, i) / scale);
    if (ok < 0) return -1;
  }
  return 0;
}

// @ts-ignore: decorator
@inline function at(x: usize, i: i32): f64 { return load<f64>(x + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setAt(x: usize, i: i32, v: f64): void { store<f64>(x + (<usize>i << 3), v); }

/** The shift: the eigenvalue of the leading 2×2 (p, √ee; √ee, next) nearer p (Wilkinson). */
// @ts-ignore: decorator
@inline function wilkinsonShift(p: f64, next: f64, ee: f64): f64 {
  const root = Math.sqrt(ee);
  const g = (next - p) / (2.0 * root);
  const r = pythag(g, 1.0);
  return p - root / (g + (g >= 0 ? r : -r));
}

/** Both eigenvalues of [[a, b], [b, c]] into d[i] and d[j], with one cancellation-free formula each. */
function eigenvalues2x2(d: usize, i: i32, j: i32, a: f64, b: f64, c: f64): void {
  const sum = a + c, gap = abs<f64>(a - c), twoB = abs<f64>(2.0 * b);
  const big = abs<f64>(a) > abs<f64>(c) ? a : c, small = abs<f64>(a) > abs<f64>(c) ? c : a;
  const root = pythag(gap, twoB);
  if (sum == 0) { setAt(d, i, 0.5 * root); setAt(d, j, -0.5 * root); return; }
  const first = sum > 0 ? 0.5 * (sum + root) : 0.5 * (sum - root);
  // The other one is det/first, evaluated so that nothing cancels: (big·small − b²)/first.
  setAt(d, i, first);
  setAt(d, j, (big / first) * small - (b / first) * b);
}

/**
 * Sweeps of one block (e squared) from its end l towards its other end `end`, deflating an
 * eigenvalue (or a 2×2 pair) at l each time one converges: QL when dir = +1 (l < end), QR when
 * dir = −1 (l > end). The off-diagonal between positions x and x + dir is e[x] or e[x − 1]
 * (lower). Returns the updated sweep count, or −1 when it reaches maxSweeps.
 */
function sweepBlock(d: usize, e: usize, l: i32, end: i32, dir: i32, eps2: f64, maxSweeps: i32, sweeps: i32): i32 {
  const lower = dir > 0 ? 0 : -1; // e index of the pair (x, x + dir) is x + lower
  while ((end - l) * dir >= 0) {
    let m = l;
    for (; m != end; m += dir) if (abs<f64>(at(e, m + lower)) <= eps2 * abs<f64>(at(d, m) * at(d, m + dir))) break;
    if (m != end) setAt(e, m + lower, 0);
    if (m == l) { l += dir; continue; }
    if (m == l + dir) {
      eigenvalues2x2(d, l, l + dir, at(d, l), Math.sqrt(at(e, l + lower)), at(d, l + dir));
      setAt(e, l + lower, 0);
      l += 2 * dir;
      continue;
    }
    if (sweeps == maxSweeps) return -1;
    sweeps++;
    const sigma = wilkinsonShift(at(d, l), at(d, l + dir), at(e, l + lower));
    let c: f64 = 1, s: f64 = 0;
    let gamma = at(d, m) - sigma;
    let p = gamma * gamma;
    for (let x = m - dir; x != l - dir; x -= dir) {
      const bb = at(e, x + lower);
      const r = p + bb;
      if (x != m - dir) setAt(e, x + dir + lower, s * r);
      const oldC = c;
      c = p / r;
      s = bb / r;
      const oldGamma = gamma;
      const alpha = at(d, x);
      gamma = c * (alpha - sigma) - s * oldGamma;
      setAt(d, x + dir, oldGamma + (alpha - gamma));
      p = c != 0 ? (gamma * gamma) / c : oldC * bb;
    }
    setAt(e, l + lower, s * p);
    setAt(d, l, sigma + gamma);
  }
  return sweeps;
}

/** Rows x = W[i], y = W[i+1] (length n): y ← s·x + c·y, x ← c·x − s·y. */
function rotateRows(x: usize, rowBytes: usize, n: i32, c: f64, s: f64): void {
  const y = x + rowBytes;
  const cv = f64x2.splat(c), sv = f64x2.splat(s);
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const off = <usize>k << 3;
    const xv = v128.load(x + off), yv = v128.load(y + off);
    v128.store(y + off, f64x2.add(f64x2.mul(sv, xv), f64x2.mul(cv, yv)));
    v128.store(x + off, f64x2.sub(f64x2.mul(cv, xv), f64x2.mul(sv, yv)));
  }
  if (k < n) {
    const off = <usize>k << 3;
    const xk = load<f64>(x + off), yk = load<f64>(y + off);
    store<f64>(y + off, s * xk + c * yk);
    store<f64>(x + off, c * xk - s * yk);
  }
}

/** Sorts d[0..n) ascending in place (heapsort: O(n log n), no allocation). */
export function sortAscending(d: usize, n: i32): void {
  sortAscendingWithIndex(d, 0, n);
}

/**
 * Sorts d[0..n) ascending in place, applying the same permutation to idx[0..n) (i32) unless
 * idx is 0.
 */
export function sortAscendingWithIndex(d: usize, idx: usize, n: i32): void {
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(d, idx, start, n);
  for (let end = n - 1; end > 0; end--) {
    swap(d, idx, 0, end);
    siftDown(d, idx, 0, end);
  }
}

function swap(d: usize, idx: usize, i: i32, j: i32): void {
  const p = d + (<usize>i << 3), q = d + (<usize>j << 3);
  const t = load<f64>(p);
  store<f64>(p, load<f64>(q));
  store<f64>(q, t);
  if (idx == 0) return;
  const pi = idx + (<usize>i << 2), qi = idx + (<usize>j << 2);
  const ti = load<i32>(pi);
  store<i32>(pi, load<i32>(qi));
  store<i32>(qi, ti);
}

function siftDown(d: usize, idx: usize, root: i32, end: i32): void {
  const v = load<f64>(d + (<usize>root << 3));
  const vi = idx != 0 ? load<i32>(idx + (<usize>root << 2)) : 0;
  let i = root;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= end) break;
    let cv = load<f64>(d + (<usize>child << 3));
    if (child + 1 < end) {
      const rv = load<f64>(d + (<usize>(child + 1) << 3));
      if (rv > cv) { child++; cv = rv; }
    }
    if (!(cv > v)) break;
    store<f64>(d + (<usize>i << 3), cv);
    if (idx != 0) store<i32>(idx + (<usize>i << 2), load<i32>(idx + (<usize>child << 2)));
    i = child;
  }
  store<f64>(d + (<usize>i << 3), v);
  if (idx != 0) store<i32>(idx + (<usize>i << 2), vi);
}

// ---- Extreme eigenpairs of a tridiagonal T by bisection and inverse iteration (Lanczos checks) ----

/** Sturm count: the number of eigenvalues of T (diagonal a, off-diagonal b) less than x. */
function sturmCount(a: usize, b: usize, k: i32, x: f64, pivmin: f64): i32 {
  let count = 0;
  let q = load<f64>(a) - x;
  if (abs<f64>(q) <= pivmin) q = -pivmin;
  if (q < 0) count++;
  for (let i = 1; i < k; i++) {
    const bi = load<f64>(b + (<usize>(i - 1) << 3));
    q = load<f64>(a + (<usize>i << 3)) - x - bi * bi / q;
    if (abs<f64>(q) <= pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/**
 * The smallest (largest = false) or largest eigenpair of the k×k tridiagonal T with diagonal
 * a[0..k) and off-diagonal b[0..k−1) (read only). The eigenvalue is bracketed by bisection on
 * Sturm counts, the eigenvector y is found by two steps of inverse iteration with the bracket's
 * outer end as shift (so the shifted matrix is semidefinite and its LDLᵀ needs no pivoting).
 * scratch: 3k f64. Writes to out: [θ = yᵀTy, ‖Ty − θy‖, y_{k−1}].
 */
export function tridiagonalExtremePair(a: usize, b: usize, k: i32, largest: bool, scratch: usize, out: usize): void {
  // Gershgorin interval and the pivot floor of LAPACK's dstebz.
  let gl: f64 = Infinity, gu: f64 = -Infinity, bmax2: f64 = 0;
  for (let i = 0; i < k; i++) {
    const left = i > 0 ? abs<f64>(load<f64>(b + (<usize>(i - 1) << 3))) : 0;
    const right = i < k - 1 ? abs<f64>(load<f64>(b + (<usize>i << 3))) : 0;
    const ai = load<f64>(a + (<usize>i << 3));
    gl = min<f64>(gl, ai - left - right);
    gu = max<f64>(gu, ai + left + right);
    bmax2 = max<f64>(bmax2, right * right);
  }
  const pivmin = SAFE_MIN * max<f64>(1.0, bmax2);
  const tnorm = max<f64>(abs<f64>(gl), abs<f64>(gu));
  const pad = 2.0 * EPS * tnorm + 2.0 * pivmin;
  let lo = gl - pad, hi = gu + pad;
  // Invariant: the wanted eigenvalue lies in [lo, hi).
  const target = largest ? k - 1 : 0; // smallest: count(lo) = 0 < count(hi); largest: count(lo) ≤ k−1 < count(hi) = k
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi || hi - lo <= 2.0 * EPS * max<f64>(abs<f64>(lo), abs<f64>(hi)) + pivmin) break;
    if (sturmCount(a, b, k, mid, pivmin) > target) hi = mid; else lo = mid;
  }
  // Inverse iteration on M = sgn·(T − σI), positive semidefinite: σ at the bracket's outer end
  // (lo for the smallest, hi for the largest). Round-off can still make an early pivot vanish; the
  // floored pivot then blows the solve up to ±∞, so the shift steps outward and the sweeps rerun
  // (M stays definite, and a shift δ away still converges by the factor δ/gap a sweep).
  const sgn: f64 = largest ? -1.0 : 1.0;
  const p = scratch, l = scratch + (<usize>k << 3), x = l + (<usize>k << 3);
  const pfloor = EPS * tnorm + pivmin;
  let shift: f64 = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const sigma = largest ? hi + shift : lo - shift;
    if (inverseIteration(a, b, k, sgn, sigma, pfloor, p, l, x)) break;
    shift = shift == 0 ? 8.0 * EPS * tnorm + pivmin : shift * 1000.0;
  }
  // Rayleigh quotient and residual of y = x: Ty in p.
  let theta: f64 = 0;
  for (let i = 0; i < k; i++) {
    let t = load<f64>(a + (<usize>i << 3)) * load<f64>(x + (<usize>i << 3));
    if (i > 0) t += load<f64>(b + (<usize>(i - 1) << 3)) * load<f64>(x + (<usize>(i - 1) << 3));
    if (i < k - 1) t += load<f64>(b + (<usize>i << 3)) * load<f64>(x + (<usize>(i + 1) << 3));
    store<f64>(p + (<usize>i << 3), t);
    theta += t * load<f64>(x + (<usize>i << 3));
  }
  let r2: f64 = 0;
  for (let i = 0; i < k; i++) {
    const t = load<f64>(p + (<usize>i << 3)) - theta * load<f64>(x + (<usize>i << 3));
    r2 += t * t;
  }
  store<f64>(out, theta);
  store<f64>(out + 8, Math.sqrt(r2));
  store<f64>(out + 16, load<f64>(x + (<usize>(k - 1) << 3)));
}

/**
 * Two sweeps of inverse iteration with M = sgn·(T − σI) = L D Lᵀ (pivots floored at pfloor) from a
 * fixed start; x ends normalised. scratch p, l, x: k f64 each. False when the solve overflowed.
 */
function inverseIteration(a: usize, b: usize, k: i32, sgn: f64, sigma: f64, pfloor: f64, p: usize, l: usize, x: usize): bool {
  let piv = sgn * (load<f64>(a) - sigma);
  if (piv < pfloor) piv = pfloor;
  store<f64>(p, piv);
  for (let i = 1; i < k; i++) {
    const off = sgn * load<f64>(b + (<usize>(i - 1) << 3));
    const li = off / piv;
    piv = sgn * (load<f64>(a + (<usize>i << 3)) - sigma) - li * off;
    if (piv < pfloor) piv = pfloor;
    store<f64>(l + (<usize>i << 3), li);
    store<f64>(p + (<usize>i << 3), piv);
  }
  // Start from a fixed vector with no special structure.
  for (let i = 0; i < k; i++) store<f64>(x + (<usize>i << 3), 1.0 + 0.5 * NativeMath.sin(<f64>(i + 1)));
  for (let sweep = 0; sweep < 2; sweep++) {
    // L z = x, D w = z, Lᵀ x = w, in place; then normalise.
    for (let i = 1; i < k; i++) {
      const pi = x + (<usize>i << 3);
      store<f64>(pi, load<f64>(pi) - load<f64>(l + (<usize>i << 3)) * load<f64>(pi - 8));
    }
    for (let i = 0; i < k; i++) {
      const pi = x + (<usize>i << 3);
      store<f64>(pi, load<f64>(pi) / load<f64>(p + (<usize>i << 3)));
    }
    for (let i = k - 2; i >= 0; i--) {
      const pi = x + (<usize>i << 3);
      store<f64>(pi, load<f64>(pi) - load<f64>(l + (<usize>(i + 1) << 3)) * load<f64>(pi + 8));
    }
    let big: f64 = 0;
    for (let i = 0; i < k; i++) big = max<f64>(big, abs<f64>(load<f64>(x + (<usize>i << 3))));
    if (!isFinite(big) || big == 0) return false;
    let ss: f64 = 0;
    for (let i = 0; i < k; i++) {
      const pi = x + (<usize>i << 3);
      const v = load<f64>(pi) / big;
      store<f64>(pi, v);
      ss += v * v;
    }
    const inv = 1.0 / Math.sqrt(ss);
    for (let i = 0; i < k; i++) {
      const pi = x + (<usize>i << 3);
      store<f64>(pi, load<f64>(pi) * inv);
    }
  }
  return true;
}
