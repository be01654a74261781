import { dotF32, lanesSum } from "./dot";

// C = A Bᵀ with A (rows×inner) and B (cols×inner), both row-major with the inner index contiguous:
// every output is a dot product of two contiguous rows. Blocks of 4 rows of A × 2 rows of B keep
// eight v128 accumulators and six loaded operands in registers (x86-64 has sixteen).

// The relaxed-SIMD build (asconfig's relaxed targets) fuses the multiply-add where the hardware
// can: one rounding instead of two, so its numbers differ from the default build's by round-off.
// @ts-ignore: decorator
@inline function madd(acc: v128, s: v128, x: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(s, x, acc);
  return f32x4.add(acc, f32x4.mul(s, x));
}

/** C[r, i] = Σ_k A[r, k] B[i, k] (f32, C is rows×cols). */
export function gemmNT(A: usize, B: usize, C: usize, rows: i32, cols: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  const vecEnd = inner & ~3;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = A + <usize>r * rowBytes, a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
    let i = 0;
    for (; i + 2 <= cols; i += 2) {
      const b0 = B + <usize>i * rowBytes, b1 = b0 + rowBytes;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let k = 0; k < vecEnd; k += 4) {
        const off = <usize>k << 2;
        const x0 = v128.load(b0 + off), x1 = v128.load(b1 + off);
        let w = v128.load(a0 + off);
        c00 = madd(c00, w, x0); c01 = madd(c01, w, x1);
        w = v128.load(a1 + off);
        c10 = madd(c10, w, x0); c11 = madd(c11, w, x1);
        w = v128.load(a2 + off);
        c20 = madd(c20, w, x0); c21 = madd(c21, w, x1);
        w = v128.load(a3 + off);
        c30 = madd(c30, w, x0); c31 = madd(c31, w, x1);
      }
      let s00 = lanesSum(c00), s01 = lanesSum(c01), s10 = lanesSum(c10), s11 = lanesSum(c11);
      let s20 = lanesSum(c20), s21 = lanesSum(c21), s30 = lanesSum(c30), s31 = lanesSum(c31);
      for (let k = vecEnd; k < inner; k++) {
        const off = <usize>k << 2;
        const x0 = load<f32>(b0 + off), x1 = load<f32>(b1 + off);
        s00 += load<f32>(a0 + off) * x0; s01 += load<f32>(a0 + off) * x1;
        s10 += load<f32>(a1 + off) * x0; s11 += load<f32>(a1 + off) * x1;
        s20 += load<f32>(a2 + off) * x0; s21 += load<f32>(a2 + off) * x1;
        s30 += load<f32>(a3 + off) * x0; s31 += load<f32>(a3 + off) * x1;
      }
      const out = C + ((<usize>r * <usize>cols + <usize>i) << 2), stride = <usize>cols << 2;
      store<f32>(out, s00); store<f32>(out, s01, 4);
      store<f32>(out + stride, s10); store<f32>(out + stride, s11, 4);
      store<f32>(out + 2 * stride, s20); store<f32>(out + 2 * stride, s21, 4);
      store<f32>(out + 3 * stride, s30); store<f32>(out + 3 * stride, s31, 4);
    }
    for (; i < cols; i++) {
      const b0 = B + <usize>i * rowBytes;
      for (let q = 0; q < 4; q++) {
        store<f32>(C + ((<usize>(r + q) * <usize>cols + <usize>i) << 2), dotF32(a0 + <usize>q * rowBytes, b0, inner));
      }
    }
  }
  for (; r < rows; r++) {
    const a0 = A + <usize>r * rowBytes;
    for (let i = 0; i < cols; i++) {
      store<f32>(C + ((<usize>r * <usize>cols + <usize>i) << 2), dotF32(a0, B + <usize>i * rowBytes, inner));
    }
  }
}

// W −= S X with S (rows×inner) and X (inner×cols), both row-major: the rebuild W(k) = W(0) − S X at
// the end of a kernel-space run (DESIGN §5.1). Every output is acc = Σ_j S[r, j] X[j, c] summed in
// increasing j with a float32 rounding after each multiply and each add, then W[r, c] − acc (the
// order of the per-neuron combine it replaced, so the weights kept their bits; test/gemm.test.ts
// holds it against a float32 emulation), the same whatever block or thread an output falls in. Blocks of 4 rows × 8
// columns keep eight v128 accumulators in registers and use each loaded pair of X vectors four
// times; the rows of a block read X's column panel from L2 (inner × 32 bytes), where the
// per-row combine streamed all of X once per row.


/** One output row r, columns [c0, cols): the scalar tail and rows outside a 4-row block. */
function subtractRowTail(S: usize, X: usize, W: usize, cols: i32, inner: i32, c0: i32): void {
  const colBytes = <usize>cols << 2;
  let c = c0;
  for (; c + 4 <= cols; c += 4) {
    let acc = f32x4.splat(0);
    for (let j = 0; j < inner; j++) {
      acc = madd(acc, f32x4.splat(load<f32>(S + (<usize>j << 2))), v128.load(X + <usize>j * colBytes + (<usize>c << 2)));
    }
    const o = W + (<usize>c << 2);
    v128.store(o, f32x4.sub(v128.load(o), acc));
  }
  for (; c < cols; c++) {
    let acc: f32 = 0;
    for (let j = 0; j < inner; j++) acc += load<f32>(S + (<usize>j << 2)) * load<f32>(X + <usize>j * colBytes + (<usize>c << 2));
    const o = W + (<usize>c << 2);
    store<f32>(o, load<f32>(o) - acc);
  }
}

/** Columns per panel: 8 (two v128) × 4 bytes × inner rows of X stays in L2 while a thread's rows walk it. */
// @ts-ignore: decorator
@inline const PANEL_COLS = 8;

/** Rows of S per group, a multiple of the 4-row block. */
// @ts-ignore: decorator
@inline const ROW_GROUP = 64;

/** Bytes packColumnPanels writes for an inner×cols X: its full panels, 4·inner·(cols − cols mod 8). */
export function packColumnPanelsBytes(inner: i32, cols: i32): i32 {
  return (inner * (cols - cols % PANEL_COLS)) << 2;
}

/**
 * Copies X's full 8-column panels into `packed` panel after panel, each inner×8 and contiguous
 * (packed holds 4·inner·(cols − cols mod 8) bytes): gemmSubtractNN then streams a panel instead of
 * touching a new row of X, a new page at inner = cols = 1000, for every j.
 */
export function packColumnPanels(X: usize, packed: usize, inner: i32, cols: i32): void {
  const colBytes = <usize>cols << 2;
  const panelEnd = cols - cols % PANEL_COLS;
  let o = packed;
  for (let c = 0; c < panelEnd; c += PANEL_COLS) {
    for (let j = 0; j < inner; j++) {
      const p = X + <usize>j * colBytes + (<usize>c << 2);
      v128.store(o, v128.load(p)); v128.store(o, v128.load(p, 16), 16);
      o += PANEL_COLS << 2;
    }
  }
}

/**
 * W[r, c] −= Σ_j S[r, j] X[j, c] (f32; W is rows×cols, S rows×inner, X inner×cols), `packed` being
 * X's panels from packColumnPanels (shared by all threads).
 */
export function gemmSubtractNN(S: usize, X: usize, packed: usize, W: usize, rows: i32, cols: i32, inner: i32): void {
  const sRowBytes = <usize>inner << 2, colBytes = <usize>cols << 2;
  const panelEnd = cols - cols % PANEL_COLS;
  const blockEnd = rows & ~3;
  // A group of ROW_GROUP rows of S (256 KiB at inner = 1000) stays in L2 while every panel of X
  // passes; each panel is then reused by the group's row blocks, so S is read from memory once and
  // X once per group.
  for (let g = 0; g < blockEnd; g += ROW_GROUP) {
  const groupEnd = min(g + ROW_GROUP, blockEnd);
  for (let c = 0; c < panelEnd; c += PANEL_COLS) {
    const x = packed + <usize>(c / PANEL_COLS) * (<usize>inner << 5);
    for (let r = g; r < groupEnd; r += 4) {
      const s0 = S + <usize>r * sRowBytes, s1 = s0 + sRowBytes, s2 = s1 + sRowBytes, s3 = s2 + sRowBytes;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      for (let j = 0; j < inner; j++) {
        const p = x + (<usize>j << 5), off = <usize>j << 2;
        const x0 = v128.load(p), x1 = v128.load(p, 16);
        let s = f32x4.splat(load<f32>(s0 + off));
        a00 = madd(a00, s, x0); a01 = madd(a01, s, x1);
        s = f32x4.splat(load<f32>(s1 + off));
        a10 = madd(a10, s, x0); a11 = madd(a11, s, x1);
        s = f32x4.splat(load<f32>(s2 + off));
        a20 = madd(a20, s, x0); a21 = madd(a21, s, x1);
        s = f32x4.splat(load<f32>(s3 + off));
        a30 = madd(a30, s, x0); a31 = madd(a31, s, x1);
      }
      const o = W + <usize>r * colBytes + (<usize>c << 2);
      v128.store(o, f32x4.sub(v128.load(o), a00)); v128.store(o, f32x4.sub(v128.load(o, 16), a01), 16);
      const o1 = o + colBytes;
      v128.store(o1, f32x4.sub(v128.load(o1), a10)); v128.store(o1, f32x4.sub(v128.load(o1, 16), a11), 16);
      const o2 = o1 + colBytes;
      v128.store(o2, f32x4.sub(v128.load(o2), a20)); v128.store(o2, f32x4.sub(v128.load(o2, 16), a21), 16);
      const o3 = o2 + colBytes;
      v128.store(o3, f32x4.sub(v128.load(o3), a30)); v128.store(o3, f32x4.sub(v128.load(o3, 16), a31), 16);
    }
  }
  }
  for (let r = 0; r < rows; r++) {
    // Rows past the last 4-row block get every column; the others only the columns past the panels.
    subtractRowTail(S + <usize>r * sRowBytes, X, W + <usize>r * colBytes, cols, inner, r < blockEnd ? panelEnd : 0);
  }
}
