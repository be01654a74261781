import { dotF32, lanesSum } from "./dot";

// C = A Bᵀ with A (rows×inner) and B (cols×inner), both row-major with the inner index contiguous:
// every output is a dot product of two contiguous rows. Blocks of 4 rows of A × 2 rows of B keep
// eight v128 accumulators and six loaded operands in registers (x86-64 has sixteen).

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
        c00 = f32x4.add(c00, f32x4.mul(w, x0)); c01 = f32x4.add(c01, f32x4.mul(w, x1));
        w = v128.load(a1 + off);
        c10 = f32x4.add(c10, f32x4.mul(w, x0)); c11 = f32x4.add(c11, f32x4.mul(w, x1));
        w = v128.load(a2 + off);
        c20 = f32x4.add(c20, f32x4.mul(w, x0)); c21 = f32x4.add(c21, f32x4.mul(w, x1));
        w = v128.load(a3 + off);
        c30 = f32x4.add(c30, f32x4.mul(w, x0)); c31 = f32x4.add(c31, f32x4.mul(w, x1));
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
