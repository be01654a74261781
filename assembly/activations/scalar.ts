import {
  ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_SOFTPLUS, ACTIVATION_SIGMOID, ACTIVATION_TANH,
  ACTIVATION_ERF, ACTIVATION_GELU, ACTIVATION_QUADRATIC,
} from "./ids";

// Scalar f64 ψ and ψ′ for every activation (DESIGN §7.1), written to be accurate to a few ulps
// over the whole real line (no cancellation, no overflow): the limit kernels' quadrature needs them.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const INV_SQRT_TWO: f64 = 0.7071067811865476;
const INV_SQRT_TWO_PI: f64 = 0.3989422804014327;

/**
 * erf(x) in f64. |x| < 3: erf x = (2/√π)·x·e^(−x²)·Σ_n (2x²)^n/(1·3···(2n+1)), a series of
 * positive terms (no cancellation). |x| ≥ 3: erf x = sign(x)·(1 − erfc|x|), erfc by its continued
 * fraction (evaluated by the modified Lentz method).
 */
export function erf(x: f64): f64 {
  const ax = abs<f64>(x);
  if (ax < 3.0) return seriesErf(x);
  const value = 1.0 - erfcLarge(ax);
  return x < 0 ? -value : value;
}

/**
 * erfc(x) = 1 − erf(x): accurate in relative terms for x ≥ 3 (continued fraction), to ~1e-16
 * absolute below (1 − the series).
 */
export function erfc(x: f64): f64 {
  if (x >= 3.0) return erfcLarge(x);
  if (x <= -3.0) return 2.0 - erfcLarge(-x);
  return 1.0 - seriesErf(x);
}

// @ts-ignore: decorator
@inline function seriesErf(x: f64): f64 {
  const x2 = x * x, t = 2.0 * x2;
  let term: f64 = 1.0, sum: f64 = 1.0;
  for (let n = 1; n < 200; n++) {
    term *= t / <f64>(2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 3: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcLarge(x: f64): f64 {
  if (x > 27.3) return 0; // e^(−x²) underflows
  const tiny: f64 = 1e-300;
  let f = x, c = x, d: f64 = 0;
  for (let k = 1; k < 300; k++) {
    const a = <f64>k * 0.5;
    d = x + a * d; if (d == 0) d = tiny; d = 1.0 / d;
    c = x + a / c; if (c == 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (abs<f64>(delta - 1.0) < 1e-16) break;
  }
  // e^(−x²) with x² split so the exponent's rounding does not cost relative accuracy.
  const xh = reinterpret<f64>(reinterpret<u64>(x) & 0xFFFFFFFFF8000000);
  const xl = x - xh;
  return Math.exp(-xh * xh) * Math.exp(-(x + xh) * xl) / (f * 1.7724538509055159);
}

/** Φ(z), the standard normal distribution function: ½ erfc(−z/√2). */
export function normalCdf(z: f64): f64 {
  return 0.5 * erfc(-z * INV_SQRT_TWO);
}

/** ψ(z) for the activation `id` (ids.ts); `slope` is leaky ReLU's negative slope. */
export function activationValue(id: i32, z: f64, slope: f64): f64 {
  return psi64(id, z, slope);
}

/** ψ′(z) for the activation `id` (ReLU's at 0 is 1, as 1{z ≥ 0} in eq. 4). */
export function activationDerivative(id: i32, z: f64, slope: f64): f64 {
  return dpsi64(id, z, slope);
}

/**
 * ψ(z) in f64 (DESIGN §7.1), inlined so that a kernel specialised to a constant `id` keeps only
 * its activation's branch (the dense Gram's feature rows, assembly/dense_net/gram.ts).
 */
// @ts-ignore: decorator
@inline export function psi64(id: i32, z: f64, slope: f64): f64 {
  switch (id) {
    case ACTIVATION_RELU: return z > 0 ? z : 0;
    case ACTIVATION_LEAKY_RELU: return z >= 0 ? z : slope * z;
    case ACTIVATION_SOFTPLUS: return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    case ACTIVATION_SIGMOID: {
      if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
      const e = Math.exp(z);
      return e / (1.0 + e);
    }
    case ACTIVATION_TANH: return Math.tanh(z);
    case ACTIVATION_ERF: return erf(z);
    case ACTIVATION_GELU: return z * normalCdf(z);
    case ACTIVATION_QUADRATIC: return z * z;
    default: return z; // linear
  }
}

/** ψ′(z) in f64, inlined like psi64 (ReLU's at 0 is 1, as 1{z ≥ 0} in eq. 4). */
// @ts-ignore: decorator
@inline export function dpsi64(id: i32, z: f64, slope: f64): f64 {
  switch (id) {
    case ACTIVATION_RELU: return z >= 0 ? 1 : 0;
    case ACTIVATION_LEAKY_RELU: return z >= 0 ? 1 : slope;
    case ACTIVATION_SOFTPLUS: return psi64(ACTIVATION_SIGMOID, z, 0);
    case ACTIVATION_SIGMOID: {
      const e = Math.exp(-abs<f64>(z)); // σ(z)(1 − σ(z)) = e^(−|z|)/(1 + e^(−|z|))²
      const q = 1.0 + e;
      return e / (q * q);
    }
    case ACTIVATION_TANH: {
      const e = Math.exp(-2.0 * abs<f64>(z)); // sech² z = 4e^(−2|z|)/(1 + e^(−2|z|))²
      const q = 1.0 + e;
      return 4.0 * e / (q * q);
    }
    case ACTIVATION_ERF: return TWO_OVER_SQRT_PI * Math.exp(-z * z);
    case ACTIVATION_GELU: return normalCdf(z) + z * INV_SQRT_TWO_PI * Math.exp(-0.5 * z * z);
    case ACTIVATION_QUADRATIC: return 2.0 * z;
    default: return 1.0; // linear
  }
}
