/**
 * Float64 references for the eigenmode and generalisation formulas (Arora, Du, Hu, Li, Wang,
 * ICML 2019), written from the formulas and sharing no code with src/: Jacobi eigenvectors, the
 * residual recursion r(k+1) = (I − ηH) r(k) iterated directly, and an explicit inverse by Gauss–Jordan.
 */

/** Eigenpairs of symmetric A (n×n) by cyclic Jacobi rotations: values descending, vectors[i] = the unit eigenvector of values[i]. */
export function jacobiEigenpairs(A: ArrayLike<number>, n: number): { values: number[]; vectors: number[][] } {
  const B = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, all = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { all += B[i * n + j] ** 2; if (i !== j) off += B[i * n + j] ** 2; }
    if (off <= 1e-30 * all) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = B[p * n + q];
        if (apq === 0) continue;
        const tau = (B[q * n + q] - B[p * n + p]) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const bkp = B[k * n + p], bkq = B[k * n + q];
          B[k * n + p] = c * bkp - s * bkq; B[k * n + q] = s * bkp + c * bkq;
        }
        for (let k = 0; k < n; k++) {
          const bpk = B[p * n + k], bqk = B[q * n + k];
          B[p * n + k] = c * bpk - s * bqk; B[q * n + k] = s * bpk + c * bqk;
        }
        for (let k = 0; k < n; k++) { // V ← V J: the columns of V are the eigenvectors
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq; V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => B[b * n + b] - B[a * n + a]);
  return {
    values: order.map((j) => B[j * n + j]),
    vectors: order.map((j) => Array.from({ length: n }, (_, i) => V[i * n + j])),
  };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖r(k)‖ for k = 0..steps with r(0) = r0 and r(k+1) = r(k) − ηH r(k), iterated with H itself (no eigenvectors). */
export function residualRecursionNorms(H: ArrayLike<number>, n: number, r0: ArrayLike<number>, eta: number, steps: number): number[] {
  let r = Float64Array.from(r0);
  const norms = [Math.sqrt(dot(r, r))];
  for (let k = 0; k < steps; k++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * r[j];
      next[i] = r[i] - eta * s;
    }
    r = next;
    norms.push(Math.sqrt(dot(r, r)));
  }
  return norms;
}

/** A⁻¹ (n×n) by Gauss–Jordan elimination with partial pivoting. */
export function inverse(A: ArrayLike<number>, n: number): Float64Array {
  const M = Float64Array.from(A), I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(M[i * n + col]) > Math.abs(M[piv * n + col])) piv = i;
    for (const X of [M, I]) for (let k = 0; k < n; k++) { const t = X[col * n + k]; X[col * n + k] = X[piv * n + k]; X[piv * n + k] = t; }
    const d = M[col * n + col];
    for (let k = 0; k < n; k++) { M[col * n + k] /= d; I[col * n + k] /= d; }
    for (let i = 0; i < n; i++) {
      if (i === col) continue;
      const f = M[i * n + col];
      for (let k = 0; k < n; k++) { M[i * n + k] -= f * M[col * n + k]; I[i * n + k] -= f * I[col * n + k]; }
    }
  }
  return I;
}

/** yᵀ A⁻¹ y with the explicit inverse. */
export function quadraticFormWithInverse(A: ArrayLike<number>, n: number, y: ArrayLike<number>): number {
  const inv = inverse(A, n);
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += y[i] * inv[i * n + j] * y[j];
  return s;
}
