// The proof's per-step O(nm) pass (train's certificates, src/training/certificates.ts; Du et al.,
// ICLR 2019, §4.1): the sets S_i^⊥, the flipped neurons and the I1/I2 split of u(k+1) − u(k), and
// the perturbation H^⊥(k)(u(k) − y). Each output is computed by one thread in a fixed order whatever
// range holds it, so any thread count gives the same bits.
//
// Where float32 is enough: the pre-activations z are float32, so the set test |z_ir(0)| ≤ t_i and
// the sign tests are exact in float32 when t_i is the largest float32 ≤ the float64 threshold (an
// f32 is ≤ a real t exactly when it is ≤ that float). The sums are float64: I1 and I2 are sums of m
// terms of size η that nearly cancel, held against u(k+1) − u(k) to round-off; each term
// a_r·c·(σ(z(k+1)) − σ(z(k))) is formed in float64 from the float32 z's (their difference is exact).

/**
 * For inputs i in [c0, c1), over every neuron r (ZT0 = Z(0), Zprev = Z(k), ZT = Z(k+1), all m×n
 * neuron-major f32):
 *   r ∈ S_i^⊥ ⟺ |z_ir(0)| ≤ threshold_i                        (§4.1, the neurons that can flip)
 *   I1_i = Σ_{r∉S_i^⊥} Δ_ir, I2_i = Σ_{r∈S_i^⊥} Δ_ir, Δ_ir = a_r·scale·(max(z_ir(k+1), 0) − max(z_ir(k), 0))
 *   perp_i = |S_i^⊥|, flipped_i = #{r : 1{z_ir(k+1) ≥ 0} ≠ 1{z_ir(0) ≥ 0}}, outside_i = those not in S_i^⊥.
 * threshold: n f32; I1, I2: n f64; counts: 3n i32, perp_i at i, flipped_i at n + i, outside_i at
 * 2n + i (one buffer: a thread job carries at most 14 arguments). The range's entries are overwritten.
 * On the way Zprev ← Z(k+1) over the range, so the next step finds its Z(k) without a second pass.
 */
export function certificateStepColumns(ZT0: usize, Zprev: usize, ZT: usize, m: i32, n: i32, a: usize, scale: f64,
  threshold: usize, I1: usize, I2: usize, counts: usize, c0: i32, c1: i32): void {
  const perp = counts, flipped = counts + (<usize>n << 2), outside = counts + (<usize>n << 3);
  for (let i = c0; i < c1; i++) {
    store<f64>(I1 + (<usize>i << 3), 0);
    store<f64>(I2 + (<usize>i << 3), 0);
    store<i32>(perp + (<usize>i << 2), 0);
    store<i32>(flipped + (<usize>i << 2), 0);
    store<i32>(outside + (<usize>i << 2), 0);
  }
  const zero = f32x4.splat(0);
  const vecEnd = c0 + ((c1 - c0) & ~3);
  for (let r = 0; r < m; r++) {
    const ar = <f64>load<f32>(a + (<usize>r << 2)) * scale;
    const arv = f64x2.splat(ar);
    const row = <usize>r * <usize>n << 2;
    let i = c0;
    for (; i < vecEnd; i += 4) {
      const p = row + (<usize>i << 2), q = <usize>i << 2, o = <usize>i << 3;
      const z0 = v128.load(ZT0 + p), zp = v128.load(Zprev + p), zc = v128.load(ZT + p);
      const inPerp = f32x4.le(f32x4.abs(z0), v128.load(threshold + q));
      const sc = f32x4.max(zc, zero), sp = f32x4.max(zp, zero);
      const dLo = f64x2.mul(arv, f64x2.sub(f64x2.promote_low_f32x4(sc), f64x2.promote_low_f32x4(sp)));
      const dHi = f64x2.mul(arv, f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(sc, sc, 2, 3, 0, 1)),
        f64x2.promote_low_f32x4(v128.shuffle<f32>(sp, sp, 2, 3, 0, 1))));
      const mLo = i64x2.extend_low_i32x4_s(inPerp), mHi = i64x2.extend_high_i32x4_s(inPerp);
      v128.store(I2 + o, f64x2.add(v128.load(I2 + o), v128.and(dLo, mLo)));
      v128.store(I2 + o + 16, f64x2.add(v128.load(I2 + o + 16), v128.and(dHi, mHi)));
      v128.store(I1 + o, f64x2.add(v128.load(I1 + o), v128.andnot(dLo, mLo)));
      v128.store(I1 + o + 16, f64x2.add(v128.load(I1 + o + 16), v128.andnot(dHi, mHi)));
      // Masks are −1 where true: subtracting one counts it.
      const flip = v128.xor(f32x4.ge(zc, zero), f32x4.ge(z0, zero));
      v128.store(perp + q, i32x4.sub(v128.load(perp + q), inPerp));
      v128.store(flipped + q, i32x4.sub(v128.load(flipped + q), flip));
      v128.store(outside + q, i32x4.sub(v128.load(outside + q), v128.andnot(flip, inPerp)));
      v128.store(Zprev + p, zc);
    }
    for (; i < c1; i++) {
      const p = row + (<usize>i << 2), q = <usize>i << 2, o = <usize>i << 3;
      const z0 = load<f32>(ZT0 + p), zp = load<f32>(Zprev + p), zc = load<f32>(ZT + p);
      const inPerp = abs<f32>(z0) <= load<f32>(threshold + q);
      const delta = ar * (<f64>max<f32>(zc, 0) - <f64>max<f32>(zp, 0));
      if (inPerp) {
        store<f64>(I2 + o, load<f64>(I2 + o) + delta);
        store<i32>(perp + q, load<i32>(perp + q) + 1);
      } else {
        store<f64>(I1 + o, load<f64>(I1 + o) + delta);
      }
      if ((zc >= 0) != (z0 >= 0)) {
        store<i32>(flipped + q, load<i32>(flipped + q) + 1);
        if (!inPerp) store<i32>(outside + q, load<i32>(outside + q) + 1);
      }
      store<f32>(Zprev + p, zc);
    }
  }
}

/**
 * The masks of the perturbation H^⊥(k)e (§4.1), 32 neurons a u32 word, word-major (word w of input
 * i at w·n + i, so that a word of every input is one contiguous row): bit r of active_i is
 * 1{z_ir ≥ 0}, of perp_i it is [r ∈ S_i^⊥]·1{z_ir ≥ 0}, with z = Z(k) (ZT) and S_i^⊥ as in
 * certificateStepColumns (ZT0, threshold). Words [w0, w1) of every input; bits past m are 0.
 */
export function perturbationMaskWords(ZT0: usize, ZT: usize, m: i32, n: i32, threshold: usize, active: usize, perp: usize,
  w0: i32, w1: i32): void {
  const zero = f32x4.splat(0);
  const vecEnd = n & ~3;
  for (let w = w0; w < w1; w++) {
    const out = <usize>w * <usize>n << 2;
    memory.fill(active + out, 0, <usize>n << 2);
    memory.fill(perp + out, 0, <usize>n << 2);
    const rEnd = min(m, (w + 1) << 5);
    for (let r = w << 5; r < rEnd; r++) {
      const row = <usize>r * <usize>n << 2;
      const bit: u32 = 1 << (r & 31);
      const bits = i32x4.splat(bit);
      let i = 0;
      for (; i < vecEnd; i += 4) {
        const p = row + (<usize>i << 2), q = out + (<usize>i << 2);
        const on = v128.and(f32x4.ge(v128.load(ZT + p), zero), bits);
        const inPerp = f32x4.le(f32x4.abs(v128.load(ZT0 + p)), v128.load(threshold + (<usize>i << 2)));
        v128.store(active + q, v128.or(v128.load(active + q), on));
        v128.store(perp + q, v128.or(v128.load(perp + q), v128.and(on, inPerp)));
      }
      for (; i < n; i++) {
        const p = row + (<usize>i << 2), q = out + (<usize>i << 2);
        if (!(load<f32>(ZT + p) >= 0)) continue;
        store<u32>(active + q, load<u32>(active + q) | bit);
        if (abs<f32>(load<f32>(ZT0 + p)) <= load<f32>(threshold + (<usize>i << 2))) store<u32>(perp + q, load<u32>(perp + q) | bit);
      }
    }
  }
}

/**
 * out_i = (1/m) Σ_j K_ij e_j c_ij for inputs i in [i0, i1), c_ij = Σ_w popcount(perp_i[w] ∧ active_j[w])
 * = #{r ∈ S_i^⊥ : z_ir ≥ 0, z_jr ≥ 0}: the perturbation H^⊥(k)e of §4.1, H^⊥_ij = (1/m) Σ_{r∈S_i^⊥}
 * K_ij 1{z_ir ≥ 0, z_jr ≥ 0}, from perturbationMaskWords' masks (`words` words an input).
 * K: n×n f64, e: n f32, out: n f64; counts: n i32 of scratch (one per thread). The counts are exact
 * integers, and each out_i sums over j in order, whatever range holds it.
 */
export function perturbationRows(active: usize, perp: usize, words: i32, K: usize, e: usize, m: i32, n: i32, out: usize,
  counts: usize, i0: i32, i1: i32): void {
  const vecEnd = n & ~3;
  for (let i = i0; i < i1; i++) {
    memory.fill(counts, 0, <usize>n << 2);
    for (let w = 0; w < words; w++) {
      const base = <usize>w * <usize>n << 2;
      const p = load<u32>(perp + base + (<usize>i << 2));
      if (p == 0) continue;
      const pv = i32x4.splat(p);
      let j = 0;
      for (; j < vecEnd; j += 4) {
        const q = <usize>j << 2;
        const bytes = i8x16.popcnt(v128.and(pv, v128.load(active + base + q)));
        v128.store(counts + q, i32x4.add(v128.load(counts + q), i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(bytes))));
      }
      for (; j < n; j++) {
        const q = <usize>j << 2;
        store<i32>(counts + q, load<i32>(counts + q) + <i32>popcnt<u32>(p & load<u32>(active + base + q)));
      }
    }
    const Ki = K + (<usize>i * <usize>n << 3);
    let sum: f64 = 0;
    for (let j = 0; j < n; j++) {
      sum += load<f64>(Ki + (<usize>j << 3)) * <f64>load<f32>(e + (<usize>j << 2)) * <f64>load<i32>(counts + (<usize>j << 2));
    }
    store<f64>(out + (<usize>i << 3), sum / <f64>m);
  }
}
