// The plain-JS peer: one GD step (eq. 3–4) with Float32Array loops, written the obvious way
// (forward Z = X Wᵀ, ReLU, u, then ∂L/∂W = Dᵀ X and the update). 4nmd flops.
export function plainStep(
  X: Float32Array, W: Float32Array, a: Float32Array, y: Float32Array,
  n: number, d: number, m: number, eta: number,
): number {
  const Z = new Float32Array(n * m);
  const u = new Float32Array(n);
  const inv = 1 / Math.sqrt(m);
  for (let i = 0; i < n; i++) {
    let ui = 0;
    for (let r = 0; r < m; r++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += X[i * d + k] * W[r * d + k];
      Z[i * m + r] = z;
      if (z > 0) ui += a[r] * z;
    }
    u[i] = ui * inv;
  }
  let residualSq = 0;
  const e = new Float32Array(n);
  for (let i = 0; i < n; i++) { e[i] = u[i] - y[i]; residualSq += e[i] * e[i]; }
  const G = new Float32Array(m * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < m; r++) {
      if (Z[i * m + r] < 0) continue;
      const coefficient = e[i] * a[r] * inv;
      for (let k = 0; k < d; k++) G[r * d + k] += coefficient * X[i * d + k];
    }
  }
  for (let k = 0; k < m * d; k++) W[k] -= eta * G[k];
  return residualSq;
}
