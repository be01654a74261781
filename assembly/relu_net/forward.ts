import { lanesSum } from "../linalg/dot";

// Fused forward pass over neuron-major pre-activations ZT (m×n, z_r contiguous over the inputs i):
// one sweep applies the ReLU, accumulates u, and records the activation pattern as bits, so no
// n×m activation matrix is ever written.

/** u_i = scale·Σ_r a_r relu(z_ir) (eq. 1 with scale = 1/√m; α·m^(−γ) in general, DESIGN §7.1); bits of neuron r: bit i set iff z_ir ≥ 0. */
export function forward(ZT: usize, m: i32, n: i32, a: usize, scale: f32, u: usize, bits: usize, wordsPerNeuron: i32): void {
  forwardColumns(ZT, m, n, a, scale, u, bits, wordsPerNeuron, 0, n);
}

/**
 * forward for the inputs i in [colStart, colEnd) only (colStart a multiple of 64, colEnd one or n):
 * u_i and the bit words of those inputs. Each u_i sums its neurons in the same order whatever the
 * range, which is how threads share the pass bit-identically (src/wasm/parallel.ts).
 */
export function forwardColumns(ZT: usize, m: i32, n: i32, a: usize, scale: f32, u: usize, bits: usize,
                               wordsPerNeuron: i32, colStart: i32, colEnd: i32): void {
  memory.fill(u + (<usize>colStart << 2), 0, <usize>(colEnd - colStart) << 2);
  const zero = f32x4.splat(0);
  const vecEnd = colStart + ((colEnd - colStart) & ~3);
  for (let r = 0; r < m; r++) {
    const z = ZT + (<usize>r * <usize>n << 2);
    const word0 = bits + (<usize>r * <usize>wordsPerNeuron << 3);
    const coefficient = load<f32>(a + (<usize>r << 2)) * scale;
    const c = f32x4.splat(coefficient);
    let word: u64 = 0;
    let i = colStart;
    for (; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      const zi = v128.load(z + off);
      v128.store(u + off, f32x4.add(v128.load(u + off), f32x4.mul(c, f32x4.max(zi, zero))));
      word |= (<u64>i32x4.bitmask(f32x4.ge(zi, zero))) << (<u64>(i & 63));
      if ((i & 63) == 60) {
        store<u64>(word0 + (<usize>(i >> 6) << 3), word);
        word = 0;
      }
    }
    for (; i < colEnd; i++) {
      const off = <usize>i << 2;
      const zi = load<f32>(z + off);
      store<f32>(u + off, load<f32>(u + off) + coefficient * max<f32>(zi, 0));
      if (zi >= 0) word |= (<u64>1) << (<u64>(i & 63));
    }
    if ((colEnd & 63) != 0) store<u64>(word0 + (<usize>(colEnd >> 6) << 3), word);
  }
}

/** scale·Σ_i e_i relu(z_ir): ∂L/∂a_r at scale = 1/√m (joint training; m^(γ−1)/α with the step folded in, DESIGN §7.1). */
export function outputLayerGradient(ZT: usize, m: i32, n: i32, e: usize, scale: f32, gradient: usize): void {
  const zero = f32x4.splat(0);
  const vecEnd = n & ~3;
  for (let r = 0; r < m; r++) {
    const z = ZT + (<usize>r * <usize>n << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(e + off), f32x4.max(v128.load(z + off), zero)));
    }
    let sum = lanesSum(acc);
    for (; i < n; i++) {
      const off = <usize>i << 2;
      sum += load<f32>(e + off) * max<f32>(load<f32>(z + off), 0);
    }
    store<f32>(gradient + (<usize>r << 2), sum * scale);
  }
}
