// Weight distances max_r ‖w_r(k) − w_r(0)‖₂ (the paper's Figure 1c), in float64.

/** Primal path: distances straight from W(k) and W(0), both m×d. */
export function maxRowDistance(W: usize, W0: usize, m: i32, d: i32): f64 {
  let best: f64 = 0;
  for (let r = 0; r < m; r++) {
    const off = <usize>r * <usize>d << 2;
    let sum: f64 = 0;
    for (let k = 0; k < d; k++) {
      const diff = <f64>load<f32>(W + off + (<usize>k << 2)) - <f64>load<f32>(W0 + off + (<usize>k << 2));
      sum += diff * diff;
    }
    if (sum > best) best = sum;
  }
  return Math.sqrt(best);
}

/**
 * Kernel-space path (DESIGN §5.1): with S = η Σ_k D(k) (m×n, neuron-major),
 * w_r(k) − w_r(0) = −Σ_i S_ri x_i, so ‖w_r(k) − w_r(0)‖² = Σ_i S_ri (z_ri(0) − z_ri(k)): O(nm), no W.
 */
export function maxDistanceFromCoefficients(S: usize, ZT0: usize, ZT: usize, m: i32, n: i32): f64 {
  let best: f64 = 0;
  for (let r = 0; r < m; r++) {
    const off = <usize>r * <usize>n << 2;
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) {
      const p = off + (<usize>i << 2);
      sum += <f64>load<f32>(S + p) * (<f64>load<f32>(ZT0 + p) - <f64>load<f32>(ZT + p));
    }
    if (sum > best) best = sum;
  }
  return Math.sqrt(best);
}

/** S_ri += scale · rowScale_r · e_i · 1{z_ri ≥ 0}: the running coefficients of the kernel-space path. */
export function accumulateCoefficients(S: usize, ZT: usize, m: i32, n: i32, e: usize, rowScale: usize, scale: f32): void {
  const zero = f32x4.splat(0);
  const vecEnd = n & ~3;
  for (let r = 0; r < m; r++) {
    const off = <usize>r * <usize>n << 2;
    const c = scale * load<f32>(rowScale + (<usize>r << 2));
    const cv = f32x4.splat(c);
    let i = 0;
    for (; i < vecEnd; i += 4) {
      const p = off + (<usize>i << 2);
      const active = f32x4.ge(v128.load(ZT + p), zero);
      const term = v128.and(f32x4.mul(cv, v128.load(e + (<usize>i << 2))), active);
      v128.store(S + p, f32x4.add(v128.load(S + p), term));
    }
    for (; i < n; i++) {
      const p = off + (<usize>i << 2);
      if (load<f32>(ZT + p) >= 0) store<f32>(S + p, load<f32>(S + p) + c * load<f32>(e + (<usize>i << 2)));
    }
  }
}
