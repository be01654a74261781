import {
  ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_ERF, ACTIVATION_QUADRATIC,
  PART_FIRST, PART_OUTPUT,
} from "../activations/ids";
import { activationValue, activationDerivative } from "../activations/scalar";
import { tridiagonalEigenvalues, sortAscending } from "../linalg/tridiagonal";

// Infinite-width kernels for every activation (DESIGN §7.2). For w ~ N(0, κ²I) the pair
// (u, v) = (wᵀx_i, wᵀx_j) is Gaussian with Σ11 = κ²K_ii, Σ22 = κ²K_jj, Σ12 = κ²K_ij (K = XXᵀ).
// First layer: H*_ij = K_ij·E[ψ′(u)ψ′(v)]; output layer: K^a_ij = E[ψ(u)ψ(v)].
//
// Closed forms (ReLU, leaky ReLU, erf, quadratic, linear) are evaluated per pair. The others
// (softplus, sigmoid, tanh, GELU) use the Gauss–Hermite rule in its Mehler form: with
// u = σ_i g1, v = σ_j(ρ g1 + √(1 − ρ²) g2) and h_k the orthonormal (probabilists') Hermite
// polynomials, E[f(u)g(v)] = Σ_k a_k(σ_i) b_k(σ_j) ρ^k, a_k(σ) = E[f(σg) h_k(g)]. The coefficients
// a_k are one-dimensional Gauss–Hermite sums, computed once per row (they depend on ‖x_i‖ only);
// a pair then costs one Horner sum whose length is set by |ρ| and by the coefficients' decay, so
// the n² part is cheap (for sphere data at d = 1000, |ρ| ≲ 0.15: about 20 terms).
//
// Every *Rows kernel computes the entries (i, j ≥ i) and mirrors them, for rows i in
// [rowStart, rowEnd): disjoint ranges write disjoint entries, so threads can share H.

const INV_TWO_PI: f64 = 0.15915494309189535;
const FOUR_OVER_PI: f64 = 1.2732395447351628;
const TWO_OVER_PI: f64 = 0.6366197723675814;

// @ts-ignore: decorator
@inline function entry(M: usize, n: i32, i: i32, j: i32): usize {
  return M + ((<usize>i * <usize>n + <usize>j) << 3);
}

/** cos θ_ij (1 on the diagonal, 0 when a row is zero), clamped to [−1, 1]. */
// @ts-ignore: decorator
@inline function cosine(kii: f64, kjj: f64, kij: f64, diagonal: bool): f64 {
  if (!(kii > 0 && kjj > 0)) return 0;
  if (diagonal) return 1;
  return min<f64>(1, max<f64>(-1, kij / Math.sqrt(kii * kjj)));
}

/**
 * The closed-form limit kernels (DESIGN §7.2) for ReLU, leaky ReLU (negative slope `slope`), erf,
 * quadratic and linear ψ: H_ij = [part & 1]·H*_ij + [part & 2]·K^a_ij from K = XXᵀ (n×n f64);
 * kappaSq = κ², the variance of the first-layer weights. Rows i in [rowStart, rowEnd).
 */
export function limitKernelClosedRows(K: usize, n: i32, activation: i32, part: i32, slope: f64, kappaSq: f64,
                                      H: usize, rowStart: i32, rowEnd: i32): void {
  const first = (part & PART_FIRST) != 0, output = (part & PART_OUTPUT) != 0;
  for (let i = rowStart; i < rowEnd; i++) {
    const kii = load<f64>(entry(K, n, i, i));
    for (let j = i; j < n; j++) {
      const kjj = load<f64>(entry(K, n, j, j)), kij = load<f64>(entry(K, n, i, j));
      const s11 = kappaSq * kii, s22 = kappaSq * kjj, s12 = kappaSq * kij;
      let firstValue: f64 = 0, outputValue: f64 = 0;
      if (activation == ACTIVATION_RELU || activation == ACTIVATION_LEAKY_RELU) {
        const c = cosine(kii, kjj, kij, i == j);
        const theta = Math.acos(c), sine = Math.sqrt(max<f64>(0, 1 - c * c));
        const s = activation == ACTIVATION_RELU ? 0 : slope;
        // §7.2 ReLU: E[ψ′ψ′] = (π − θ)/(2π); leaky: ((1 + s²)(π − θ) + 2sθ)/(2π).
        firstValue = kij * ((1 + s * s) * (Math.PI - theta) + 2 * s * theta) * INV_TWO_PI;
        // §7.2 arc-cosine: E[relu(u)relu(v)] = √(Σ11Σ22)(sin θ + (π − θ)cos θ)/(2π); leaky, from
        // ψ(u) = relu(u) − s·relu(−u) and the angle π − θ of (u, −v):
        // √(Σ11Σ22)[(1 + s²)(sin θ + (π − θ)cos θ) − 2s(sin θ − θ cos θ)]/(2π).
        const same = sine + (Math.PI - theta) * c, opposite = sine - theta * c;
        outputValue = Math.sqrt(s11 * s22) * ((1 + s * s) * same - 2 * s * opposite) * INV_TWO_PI;
      } else if (activation == ACTIVATION_ERF) {
        const a = 1 + 2 * s11, b = 1 + 2 * s22;
        // §7.2 erf: E[ψ′ψ′] = (4/π)[(1 + 2Σ11)(1 + 2Σ22) − 4Σ12²]^(−½).
        firstValue = kij * FOUR_OVER_PI / Math.sqrt(a * b - 4 * s12 * s12);
        // §7.2 erf: E[ψψ] = (2/π) arcsin(2Σ12/√((1 + 2Σ11)(1 + 2Σ22))).
        outputValue = TWO_OVER_PI * Math.asin(min<f64>(1, max<f64>(-1, 2 * s12 / Math.sqrt(a * b))));
      } else if (activation == ACTIVATION_QUADRATIC) {
        firstValue = kij * 4 * s12;                 // §7.2 quadratic: E[ψ′ψ′] = 4Σ12
        outputValue = s11 * s22 + 2 * s12 * s12;    // §7.2 quadratic: E[ψψ] = Σ11Σ22 + 2Σ12²
      } else {
        firstValue = kij;                           // §7.2 linear: E[ψ′ψ′] = 1
        outputValue = s12;                          // §7.2 linear: E[ψψ] = Σ12
      }
      const v = (first ? firstValue : 0) + (output ? outputValue : 0);
      store<f64>(entry(H, n, i, j), v);
      store<f64>(entry(H, n, j, i), v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Gauss–Hermite rule for the weight e^(−g²/2)/√(2π) (Golub–Welsch).

/**
 * The nodes and weights of the count-point Gauss–Hermite rule for N(0, 1) (count even, ≥ 2),
 * ascending in x (count f64) and w (count f64): Golub–Welsch (the nodes are the eigenvalues of the
 * Jacobi matrix, zero diagonal and off-diagonal √k; tridiagonalEigenvalues), made exactly
 * symmetric, each polished by one Newton step on h_count, and the weights from the
 * Christoffel-number formula w = 1/Σ_{k<count} h_k(x)², which is accurate in relative terms
 * (weights below ~1e-300 are set to 0). scratch: count f64. Returns 0, or −1 if the eigenvalue
 * iteration failed.
 */
export function gaussHermiteRule(count: i32, x: usize, w: usize, scratch: usize): i32 {
  for (let k = 0; k < count; k++) {
    store<f64>(x + (<usize>k << 3), 0);
    store<f64>(scratch + (<usize>k << 3), k + 1 < count ? Math.sqrt(<f64>(k + 1)) : 0);
  }
  if (tridiagonalEigenvalues(x, scratch, count) != 0) return -1;
  sortAscending(x, count);
  const half = count >> 1;
  for (let p = 0; p < half; p++) {
    const lo = x + (<usize>p << 3), hi = x + (<usize>(count - 1 - p) << 3);
    let v = 0.5 * (load<f64>(hi) - load<f64>(lo));
    // One Newton step on h_count (h_count′ = √count·h_{count−1}), run in rescaled form.
    let h0: f64 = 1, h1 = v;
    for (let k = 1; k < count; k++) {
      const h2 = (v * h1 - Math.sqrt(<f64>k) * h0) / Math.sqrt(<f64>(k + 1));
      h0 = h1; h1 = h2;
      if (abs<f64>(h1) > 1e200) { h0 *= 1e-200; h1 *= 1e-200; }
    }
    const step = h1 / (Math.sqrt(<f64>count) * h0);
    if (abs<f64>(step) < 1e-6 * max<f64>(1, v)) v -= step;
    // Christoffel number: 1/Σ_{k<count} h_k(v)² (0 once the sum passes 1e300).
    let a: f64 = 1, b = v, sum = 1 + v * v;
    for (let k = 1; k < count - 1 && sum < 1e300; k++) {
      const c = (v * b - Math.sqrt(<f64>k) * a) / Math.sqrt(<f64>(k + 1));
      a = b; b = c; sum += b * b;
    }
    const weight: f64 = sum < 1e300 ? 1 / sum : 0;
    store<f64>(lo, -v); store<f64>(hi, v);
    store<f64>(w + (<usize>p << 3), weight);
    store<f64>(w + (<usize>(count - 1 - p) << 3), weight);
  }
  return 0;
}

/**
 * G[p·terms + k] = w_p·h_k(x_p) for the positive half of a rule (x, w ascending, count even) and
 * k < terms (terms even): the table every row's Hermite coefficients are read from. G: count/2 × terms f64.
 */
export function hermiteTable(x: usize, w: usize, count: i32, terms: i32, G: usize): void {
  const half = count >> 1;
  for (let p = 0; p < half; p++) {
    const v = load<f64>(x + (<usize>(half + p) << 3)), weight = load<f64>(w + (<usize>(half + p) << 3));
    const row = G + (<usize>p * <usize>terms << 3);
    let a: f64 = 1, b = v;
    for (let k = 0; k < terms; k++) {
      store<f64>(row + (<usize>k << 3), weight == 0 ? 0 : weight * a);
      const c = (v * b - Math.sqrt(<f64>(k + 1)) * a) / Math.sqrt(<f64>(k + 2));
      a = b; b = c;
    }
  }
}

/**
 * Hermite coefficients a_k(σ_i) = E[ψ(σ_i g) h_k(g)] (coefValue) and of ψ′ (coefDerivative), k <
 * terms, for rows i in [rowStart, rowEnd), σ_i = sigma[i], from the table G of hermiteTable
 * (half = count/2 positive nodes x_p): with the node pair ±x_p, h_k(−x) = (−1)^k h_k(x), so
 * a_k = Σ_p G_pk·(ψ(σx_p) + (−1)^k ψ(−σx_p)). Also writes termCount[2i] (ψ) and
 * termCount[2i + 1] (ψ′): the smallest T with ‖(a_k)_{k ≥ T}‖₂ ≤ tolerance·‖a‖₂ (0 if a = 0). A pair
 * summed to max(T_i, T_j) then misses at most tolerance²·‖a‖‖b‖ (Cauchy–Schwarz on the two tails);
 * a count close to terms means the expansion has not converged. A zero σ gives a_0 = ψ(0) exactly, the rest 0.
 */
export function hermiteCoefficientRows(activation: i32, slope: f64, sigma: usize, x: usize, count: i32, G: usize,
                                       terms: i32, tolerance: f64, coefValue: usize, coefDerivative: usize,
                                       termCount: usize, rowStart: i32, rowEnd: i32): void {
  const half = count >> 1;
  const rowBytes = <usize>terms << 3;
  for (let i = rowStart; i < rowEnd; i++) {
    const s = load<f64>(sigma + (<usize>i << 3));
    const av = coefValue + <usize>i * rowBytes, ad = coefDerivative + <usize>i * rowBytes;
    for (let k = 0; k < terms; k++) { store<f64>(av + (<usize>k << 3), 0); store<f64>(ad + (<usize>k << 3), 0); }
    if (s == 0) {
      store<f64>(av, activationValue(activation, 0, slope));
      store<f64>(ad, activationDerivative(activation, 0, slope));
    } else {
      for (let p = 0; p < half; p++) {
        const z = s * load<f64>(x + (<usize>(half + p) << 3));
        const fp = activationValue(activation, z, slope), fm = activationValue(activation, -z, slope);
        const dp = activationDerivative(activation, z, slope), dm = activationDerivative(activation, -z, slope);
        const value = f64x2(fp + fm, fp - fm), derivative = f64x2(dp + dm, dp - dm);
        const g = G + (<usize>p * rowBytes);
        for (let k: usize = 0; k < <usize>terms; k += 2) {
          const t = v128.load(g + (k << 3));
          v128.store(av + (k << 3), f64x2.add(v128.load(av + (k << 3)), f64x2.mul(value, t)));
          v128.store(ad + (k << 3), f64x2.add(v128.load(ad + (k << 3)), f64x2.mul(derivative, t)));
        }
      }
    }
    store<i32>(termCount + (<usize>(2 * i) << 2), significantTerms(av, terms, tolerance));
    store<i32>(termCount + (<usize>(2 * i + 1) << 2), significantTerms(ad, terms, tolerance));
  }
}

function significantTerms(a: usize, terms: i32, tolerance: f64): i32 {
  let sum: f64 = 0;
  for (let k = 0; k < terms; k++) { const v = load<f64>(a + (<usize>k << 3)); sum += v * v; }
  const threshold = tolerance * tolerance * sum;
  let tail: f64 = 0;
  for (let k = terms - 1; k >= 0; k--) {
    const v = load<f64>(a + (<usize>k << 3));
    tail += v * v;
    if (tail > threshold) return k + 1;
  }
  return 0;
}

/**
 * Σ_{k < count} a_k b_k ρ^k by Horner's rule (a, b: coefficient rows).
 */
// @ts-ignore: decorator
@inline function mehlerSum(a: usize, b: usize, rho: f64, count: i32): f64 {
  let s: f64 = 0;
  for (let k = count - 1; k >= 0; k--) s = s * rho + load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  return s;
}

/**
 * The series limit kernels: H_ij = [part & 1]·K_ij·Σ_k a′_k(σ_i)a′_k(σ_j)ρ^k + [part & 2]·Σ_k
 * a_k(σ_i)a_k(σ_j)ρ^k (Mehler; DESIGN §7.2's Gauss–Hermite quadrature), ρ = cos θ_ij, from K (n×n
 * f64) and the coefficients of hermiteCoefficientRows (row stride `terms`). A pair's sum stops at
 * the larger of the two rows' term counts, or earlier where |ρ|^k/(1 − |ρ|) ≤ tolerance, which
 * bounds the truncated tail by tolerance·‖a‖‖b‖. Rows i in [rowStart, rowEnd).
 */
export function limitKernelSeriesRows(K: usize, n: i32, coefValue: usize, coefDerivative: usize, termCount: usize,
                                      terms: i32, part: i32, tolerance: f64, H: usize, rowStart: i32, rowEnd: i32): void {
  const first = (part & PART_FIRST) != 0, output = (part & PART_OUTPUT) != 0;
  const rowBytes = <usize>terms << 3;
  const logTolerance = Math.log(tolerance);
  for (let i = rowStart; i < rowEnd; i++) {
    const kii = load<f64>(entry(K, n, i, i));
    const avi = coefValue + <usize>i * rowBytes, adi = coefDerivative + <usize>i * rowBytes;
    const tvi = load<i32>(termCount + (<usize>(2 * i) << 2)), tdi = load<i32>(termCount + (<usize>(2 * i + 1) << 2));
    for (let j = i; j < n; j++) {
      const kjj = load<f64>(entry(K, n, j, j)), kij = load<f64>(entry(K, n, i, j));
      const rho = cosine(kii, kjj, kij, i == j);
      const r = abs<f64>(rho);
      let limit = terms;
      if (r == 0) limit = 1;
      else if (r < 1) {
        const needed = Math.ceil((logTolerance + Math.log(1 - r)) / Math.log(r));
        if (needed < <f64>terms) limit = <i32>needed + 1;
      }
      const avj = coefValue + <usize>j * rowBytes, adj = coefDerivative + <usize>j * rowBytes;
      let v: f64 = 0;
      if (first) {
        const count = min<i32>(limit, max<i32>(tdi, load<i32>(termCount + (<usize>(2 * j + 1) << 2))));
        v = kij * mehlerSum(adi, adj, rho, count);
      }
      if (output) {
        const count = min<i32>(limit, max<i32>(tvi, load<i32>(termCount + (<usize>(2 * j) << 2))));
        v += mehlerSum(avi, avj, rho, count);
      }
      store<f64>(entry(H, n, i, j), v);
      store<f64>(entry(H, n, j, i), v);
    }
  }
}
