// Activations ψ and their derivatives ψ′ on f32x4 (DESIGN §7.1, issue 12 §2), for the dense step.
// Every function is a polynomial or rational approximation after range reduction, evaluated lane
// by lane with no scalar Math call, so a tail padded into a v128 gets the very bits a full vector
// would: that is what makes the dense kernels' results independent of how rows or columns are split.
//
// Accuracy (test/dense.test.ts, against float64 Math over a dense grid, large |z|, ±0 and
// subnormals): a few float32 ulps everywhere, saturating exactly (tanh → ±1, sigmoid → 1, erf → ±1);
// no NaN for any finite input. Where ψ′ has a root (GELU′ at z ≈ −0.7518) the error is a few ulps of
// the terms that cancel there, not of the result.

import {
  ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_SOFTPLUS, ACTIVATION_SIGMOID, ACTIVATION_TANH, ACTIVATION_ERF,
  ACTIVATION_GELU, ACTIVATION_QUADRATIC, ACTIVATION_LINEAR,
} from "../activations/ids";

// @ts-ignore: decorator
@inline const SIGN: i32 = <i32>0x80000000;
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// Cody–Waite split of ln 2 (Cephes): C1 has few bits, so k·C1 is exact for |k| ≤ 256.
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline const TWO_OVER_SQRT_PI: f32 = 1.1283791670955126;
// @ts-ignore: decorator
@inline const INV_SQRT_2PI: f32 = 0.3989422804014327;
// @ts-ignore: decorator
@inline const INV_SQRT_2: f32 = 0.7071067811865476;

// @ts-ignore: decorator
@inline function splat(x: f32): v128 { return f32x4.splat(x); }
// @ts-ignore: decorator
@inline function fma(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }
// @ts-ignore: decorator
@inline function absV(x: v128): v128 { return f32x4.abs(x); }
/** |y| with the sign of x. */
// @ts-ignore: decorator
@inline function withSignOf(y: v128, x: v128): v128 {
  return v128.or(v128.and(x, i32x4.splat(SIGN)), v128.andnot(y, i32x4.splat(SIGN)));
}

/**
 * e^x, a few ulps over the whole float32 range including subnormal results (Cephes expf's
 * polynomial on |r| ≤ ln2/2 after x = k ln2 + r; 2^k applied in two halves so k down to −150
 * stays exact until the last, single rounding). x is clamped to [−104, 88.72]: 0 below, finite above.
 */
// @ts-ignore: decorator
@inline export function expV(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, splat(-104.0)), splat(88.72283)); // NaN stays NaN
  // k = round(x·log2 e) by the 1.5·2²³ shifter: its low mantissa bits are k as an integer, and
  // subtracting the shifter back is exact (cheaper than nearest + trunc_sat on x86).
  const shifted = f32x4.add(f32x4.mul(x, splat(LOG2E)), splat(12582912.0));
  const k = f32x4.sub(shifted, splat(12582912.0));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, splat(LN2_HI))), f32x4.mul(k, splat(LN2_LO)));
  let p = fma(splat(1.9875691500e-4), r, splat(1.3981999507e-3));
  p = fma(p, r, splat(8.3334519073e-3));
  p = fma(p, r, splat(4.1665795894e-2));
  p = fma(p, r, splat(1.6666665459e-1));
  p = fma(p, r, splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1));
  const ki = i32x4.sub(shifted, i32x4.splat(0x4b400000));
  const k1 = i32x4.shr_s(ki, 1), k2 = i32x4.sub(ki, k1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23), s2 = i32x4.shl(i32x4.add(k2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/**
 * ln x for positive normal x (Cephes logf: x = f·2^e with f ∈ [√½, √2), a degree-9 polynomial in
 * f − 1), a couple of ulps.
 */
// @ts-ignore: decorator
@inline function logV(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  let f = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(f, splat(0.707106781186547524));
  e = i32x4.add(e, small); // −1 where small
  // f < √½: 2f − 1, else f − 1 (both exact)
  f = f32x4.sub(f32x4.add(f, v128.and(f, small)), splat(1));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let y = fma(splat(7.0376836292e-2), f, splat(-1.1514610310e-1));
  y = fma(y, f, splat(1.1676998740e-1));
  y = fma(y, f, splat(-1.2420140846e-1));
  y = fma(y, f, splat(1.4249322787e-1));
  y = fma(y, f, splat(-1.6668057665e-1));
  y = fma(y, f, splat(2.0000714765e-1));
  y = fma(y, f, splat(-2.4999993993e-1));
  y = fma(y, f, splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, f), z);
  y = f32x4.add(y, f32x4.mul(ef, splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, splat(0.5)));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(ef, splat(LN2_HI)));
}

/** ln(1 + t) for t ∈ [0, 1] (Goldberg: ln(u)·t/(u − 1) with u = 1 + t, and t where u rounds to 1). */
// @ts-ignore: decorator
@inline function log1pUnitV(t: v128): v128 {
  const u = f32x4.add(splat(1), t);
  const um1 = f32x4.sub(u, splat(1));
  const one = f32x4.eq(um1, splat(0));
  // Where u = 1 the quotient is 0/0; replace the divisor by 1 there and select t.
  const q = f32x4.div(f32x4.mul(logV(u), t), v128.bitselect(splat(1), um1, one));
  return v128.bitselect(t, q, one);
}

/**
 * e^(−k·x²) for k = 1 or ½, accurate for large |x|: x = h + l with h keeping 12 significant bits,
 * so h² (and k·h²) is exact and x² = h² + l(x + h); e^(−k·h²) is applied last, so a subnormal
 * result is rounded once at the end of a product of normal factors below one.
 */
// @ts-ignore: decorator
@inline function expNegSquare(x: v128, k: f32, factor: v128): v128 {
  const h = v128.and(x, i32x4.splat(<i32>0xfffff000));
  const l = f32x4.sub(x, h);
  const small = expV(f32x4.mul(splat(-k), f32x4.mul(l, f32x4.add(x, h))));
  return f32x4.mul(f32x4.mul(factor, small), expV(f32x4.mul(splat(-k), f32x4.mul(h, h))));
}

/** e^(t²)·erfc(t) for t ∈ [0.5, 10.5]: a degree-9 polynomial in s = 1/(t + 2), 1e-9 relative (fit: least squares with Lawson weights). */
// @ts-ignore: decorator
@inline function erfcxV(t: v128): v128 {
  const s = f32x4.div(splat(1), f32x4.add(t, splat(2)));
  let q = fma(splat(-37.72574234008789), s, splat(89.1313247680664));
  q = fma(q, s, splat(-77.48993682861328));
  q = fma(q, s, splat(25.643470764160156));
  q = fma(q, s, splat(-3.3447649478912354));
  q = fma(q, s, splat(3.743584632873535));
  q = fma(q, s, splat(1.8815605640411377));
  q = fma(q, s, splat(1.1343344449996948));
  q = fma(q, s, splat(0.5639710426330566));
  return fma(q, s, splat(3.4982140277861618e-06));
}

/** erf(t)/t for |t| ≤ 0.5: a degree-4 polynomial in t², 1.4e-9 relative. */
// @ts-ignore: decorator
@inline function erfSmallRatioV(t: v128): v128 {
  const t2 = f32x4.mul(t, t);
  let p = fma(splat(0.004718034062534571), t2, splat(-0.02675720863044262));
  p = fma(p, t2, splat(0.11282823234796524));
  p = fma(p, t2, splat(-0.37612608075141907));
  return fma(p, t2, splat(1.1283791065216064));
}

/** erf(x): x·P(x²) for |x| < 0.5, else ±(1 − e^(−x²)·erfcx(|x|)), which is exactly ±1 from |x| ≈ 3.92. */
// @ts-ignore: decorator
@inline function erfV(x: v128): v128 {
  const t = f32x4.min(absV(x), splat(10.5));
  const near = f32x4.mul(x, erfSmallRatioV(x));
  const tail = f32x4.sub(splat(1), expNegSquare(t, 1, erfcxV(f32x4.max(t, splat(0.5)))));
  return v128.bitselect(near, withSignOf(tail, x), f32x4.lt(t, splat(0.5)));
}

/** Φ(x) = ½ erfc(−x/√2), the standard normal CDF; the lower tail from e^(−x²/2)·erfcx directly (no cancellation). */
// @ts-ignore: decorator
@inline function normalCdfV(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-14.8)), splat(14.8));
  const t = f32x4.mul(absV(xc), splat(INV_SQRT_2));
  const near = f32x4.add(splat(0.5), f32x4.mul(splat(0.5), f32x4.mul(f32x4.mul(xc, splat(INV_SQRT_2)), erfSmallRatioV(f32x4.mul(xc, splat(INV_SQRT_2))))));
  // ½ e^(−x²/2) erfcx(t) = Φ(−|x|)
  const lower = expNegSquare(xc, 0.5, f32x4.mul(splat(0.5), erfcxV(f32x4.max(t, splat(0.5)))));
  const tail = v128.bitselect(lower, f32x4.sub(splat(1), lower), f32x4.lt(x, splat(0)));
  return v128.bitselect(near, tail, f32x4.lt(t, splat(0.5)));
}

/** x·Φ(x), the exact GELU; in the lower tail x·½·erfcx(t) is formed before the small factor e^(−x²/2). */
// @ts-ignore: decorator
@inline function geluV(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-14.8)), splat(14.8));
  const t = f32x4.mul(absV(xc), splat(INV_SQRT_2));
  const lowerTail = expNegSquare(xc, 0.5, f32x4.mul(f32x4.mul(splat(0.5), xc), erfcxV(f32x4.max(t, splat(0.5)))));
  const lower = f32x4.lt(x, splat(0));
  const beyond = f32x4.gt(absV(x), splat(14.8));
  // x < −14.8: x·Φ(x) is below the smallest subnormal (−0); x > 14.8: Φ = 1 and the result is x.
  const big = v128.bitselect(splat(-0.0), x, lower);
  const cdf = normalCdfV(x);
  const value = v128.bitselect(lowerTail, f32x4.mul(x, cdf), v128.and(lower, f32x4.ge(t, splat(0.5))));
  return v128.bitselect(big, value, beyond);
}

/** GELU′(x) = Φ(x) + x φ(x); in the tails e^(−x²/2)·(x/√(2π) ± ½ erfcx(t)) plus 1 above. */
// @ts-ignore: decorator
@inline function geluDerivativeV(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-14.8)), splat(14.8));
  const t = f32x4.mul(absV(xc), splat(INV_SQRT_2));
  const halfQ = f32x4.mul(splat(0.5), erfcxV(f32x4.max(t, splat(0.5))));
  const lower = f32x4.lt(x, splat(0));
  // lower tail: E·(½Q + x/√(2π)); upper tail: 1 + E·(x/√(2π) − ½Q)
  const inner = f32x4.add(f32x4.mul(xc, splat(INV_SQRT_2PI)), v128.bitselect(halfQ, f32x4.neg(halfQ), lower));
  const tailPart = expNegSquare(xc, 0.5, inner);
  const tail = v128.bitselect(tailPart, f32x4.add(splat(1), tailPart), lower);
  const near = f32x4.add(normalCdfV(xc), expNegSquare(xc, 0.5, f32x4.mul(xc, splat(INV_SQRT_2PI))));
  return v128.bitselect(near, tail, f32x4.lt(t, splat(0.5)));
}

/** tanh: Cephes tanhf's odd polynomial below 0.625, else (1 − E)·1/(1 + E) with E = e^(−2|x|); exactly ±1 from |x| ≈ 9.01. */
// @ts-ignore: decorator
@inline function tanhV(x: v128): v128 {
  const ax = absV(x);
  const s = f32x4.mul(ax, ax);
  let p = fma(splat(-5.70498872745e-3), s, splat(2.06390887954e-2));
  p = fma(p, s, splat(-5.37397155531e-2));
  p = fma(p, s, splat(1.33314422036e-1));
  p = fma(p, s, splat(-3.33332819422e-1));
  const near = fma(f32x4.mul(p, s), ax, ax);
  const E = expV(f32x4.mul(splat(-2), ax));
  // (1 − E)·s with s = 1/(1 + E), the very s of tanh′: a fused pass computes E and s once.
  const far = f32x4.mul(f32x4.sub(splat(1), E), f32x4.div(splat(1), f32x4.add(splat(1), E)));
  return withSignOf(v128.bitselect(near, far, f32x4.lt(ax, splat(0.625))), x);
}

/** tanh′ = 1 − tanh² = 4E/(1 + E)², E = e^(−2|x|) (no cancellation for large |x|). */
// @ts-ignore: decorator
@inline function tanhDerivativeV(x: v128): v128 {
  const E = expV(f32x4.mul(splat(-2), absV(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), E));
  return f32x4.mul(f32x4.mul(f32x4.mul(E, splat(4)), s), s);
}

/** σ(x) = 1/(1 + E) for x ≥ 0, E/(1 + E) below, with E = e^(−|x|). */
// @ts-ignore: decorator
@inline function sigmoidV(x: v128): v128 {
  const E = expV(f32x4.neg(absV(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), E));
  return v128.bitselect(f32x4.mul(E, s), s, f32x4.lt(x, splat(0)));
}

/** σ′ = σ(1 − σ) = E/(1 + E)², E = e^(−|x|). */
// @ts-ignore: decorator
@inline function sigmoidDerivativeV(x: v128): v128 {
  const E = expV(f32x4.neg(absV(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), E));
  return f32x4.mul(f32x4.mul(E, s), s);
}

/** softplus = max(x, 0) + ln(1 + e^(−|x|)). */
// @ts-ignore: decorator
@inline function softplusV(x: v128): v128 {
  const E = expV(f32x4.neg(absV(x)));
  return f32x4.add(f32x4.max(x, splat(0)), log1pUnitV(E));
}

/** ψ(z) lane by lane for activation `act` (ids above); `slope` is leaky ReLU's negative slope. */
// @ts-ignore: decorator
@inline export function psiV(act: i32, z: v128, slope: f32): v128 {
  if (act == ACTIVATION_RELU) return f32x4.max(z, splat(0));
  if (act == ACTIVATION_LEAKY_RELU) return v128.bitselect(z, f32x4.mul(z, splat(slope)), f32x4.ge(z, splat(0)));
  if (act == ACTIVATION_SOFTPLUS) return softplusV(z);
  if (act == ACTIVATION_SIGMOID) return sigmoidV(z);
  if (act == ACTIVATION_TANH) return tanhV(z);
  if (act == ACTIVATION_ERF) return erfV(z);
  if (act == ACTIVATION_GELU) return geluV(z);
  if (act == ACTIVATION_QUADRATIC) return f32x4.mul(z, z);
  return z;
}

/** ψ′(z) lane by lane (ReLU and leaky ReLU: the value for z ≥ 0 at z = 0, as the ReLU path's bits). */
// @ts-ignore: decorator
@inline export function dpsiV(act: i32, z: v128, slope: f32): v128 {
  if (act == ACTIVATION_RELU) return v128.and(f32x4.ge(z, splat(0)), splat(1));
  if (act == ACTIVATION_LEAKY_RELU) return v128.bitselect(splat(1), splat(slope), f32x4.ge(z, splat(0)));
  if (act == ACTIVATION_SOFTPLUS) return sigmoidV(z);
  if (act == ACTIVATION_SIGMOID) return sigmoidDerivativeV(z);
  if (act == ACTIVATION_TANH) return tanhDerivativeV(z);
  if (act == ACTIVATION_ERF) return expNegSquare(f32x4.min(absV(z), splat(10.5)), 1, splat(TWO_OVER_SQRT_PI));
  if (act == ACTIVATION_GELU) return geluDerivativeV(z);
  if (act == ACTIVATION_QUADRATIC) return f32x4.add(z, z);
  return splat(1);
}

/** Loads count < 4 floats from p into the low lanes of a zero vector (the tail of a row). */
// @ts-ignore: decorator
@inline export function loadTail(p: usize, count: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low count < 4 lanes of v at p. */
// @ts-ignore: decorator
@inline export function storeTail(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline function applyAll(act: i32, derivative: bool, z: usize, out: usize, count: i32, slope: f32): void {
  const vecEnd = count & ~3;
  for (let i = 0; i < vecEnd; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(z + off);
    v128.store(out + off, derivative ? dpsiV(act, v, slope) : psiV(act, v, slope));
  }
  if (vecEnd < count) {
    const off = <usize>vecEnd << 2;
    const v = loadTail(z + off, count - vecEnd);
    storeTail(out + off, derivative ? dpsiV(act, v, slope) : psiV(act, v, slope), count - vecEnd);
  }
}

/** out[k] = ψ(z[k]) (derivative = 0) or ψ′(z[k]) (derivative ≠ 0) for k < count: the activations on their own, for tests and tools. */
export function applyActivation(act: i32, derivative: i32, slope: f32, z: usize, out: usize, count: i32): void {
  const dv = derivative != 0;
  switch (act) {
    case ACTIVATION_RELU: applyAll(ACTIVATION_RELU, dv, z, out, count, slope); break;
    case ACTIVATION_LEAKY_RELU: applyAll(ACTIVATION_LEAKY_RELU, dv, z, out, count, slope); break;
    case ACTIVATION_SOFTPLUS: applyAll(ACTIVATION_SOFTPLUS, dv, z, out, count, slope); break;
    case ACTIVATION_SIGMOID: applyAll(ACTIVATION_SIGMOID, dv, z, out, count, slope); break;
    case ACTIVATION_TANH: applyAll(ACTIVATION_TANH, dv, z, out, count, slope); break;
    case ACTIVATION_ERF: applyAll(ACTIVATION_ERF, dv, z, out, count, slope); break;
    case ACTIVATION_GELU: applyAll(ACTIVATION_GELU, dv, z, out, count, slope); break;
    case ACTIVATION_QUADRATIC: applyAll(ACTIVATION_QUADRATIC, dv, z, out, count, slope); break;
    default: applyAll(ACTIVATION_LINEAR, dv, z, out, count, slope);
  }
}
