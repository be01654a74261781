// The TensorFlow.js peer of the dense tanh step (DESIGN §7.1, α = 1, γ = ½) on
// @tensorflow/tfjs-backend-wasm, in kernel space like ours (the form with half the flops, and no
// operand of its matMul carries a transpose flag, which TF.js's wasm matMul needs to be fast):
//   T = tanh(Z), u = T·a/√m, e = u − y, D = (1 − T²) ⊙ e ⊙ (η a/√m)ᵀ,  Z ← Z − K·D   (Z is n×m).
import * as tf from '@tensorflow/tfjs-core';

export class TfjsDenseStep {
  private Z: tf.Tensor2D;
  private readonly K: tf.Tensor2D;
  private readonly aColumn: tf.Tensor2D;
  private readonly aRow: tf.Tensor2D;
  private readonly y: tf.Tensor2D;

  /** X n×d, W m×d row-major; Z = X Wᵀ and K = X Xᵀ are formed once, here. */
  constructor(X: Float32Array, W: Float32Array, a: Float32Array, y: Float32Array,
              readonly n: number, readonly d: number, readonly m: number, private readonly eta: number) {
    const c = 1 / Math.sqrt(m);
    const Xt = tf.tensor2d(X, [n, d]);
    this.K = tf.tidy(() => tf.matMul(Xt, Xt, false, true) as tf.Tensor2D);
    this.Z = tf.tidy(() => tf.matMul(Xt, tf.tensor2d(W, [m, d]), false, true) as tf.Tensor2D);
    Xt.dispose();
    this.aColumn = tf.tidy(() => tf.mul(tf.tensor2d(a, [m, 1]), c) as tf.Tensor2D);
    this.aRow = tf.tidy(() => tf.mul(tf.tensor2d(a, [1, m]), c * eta) as tf.Tensor2D);
    this.y = tf.tensor2d(y, [n, 1]);
  }

  /** One step; returns ‖u − y‖² before it. */
  step(): number {
    const [next, residualSq] = tf.tidy(() => {
      const T = tf.tanh(this.Z);
      const e = tf.sub(tf.matMul(T, this.aColumn), this.y);
      const D = tf.mul(tf.mul(tf.sub(1, tf.square(T)), e), this.aRow);
      return [tf.sub(this.Z, tf.matMul(this.K, D)) as tf.Tensor2D, tf.sum(tf.square(e))];
    });
    this.Z.dispose();
    this.Z = next;
    const value = residualSq.dataSync()[0];
    residualSq.dispose();
    return value;
  }

  /** Z (n×m), copied out. */
  preactivations(): Float32Array { return this.Z.dataSync() as Float32Array; }

  dispose(): void {
    for (const t of [this.Z, this.K, this.aColumn, this.aRow, this.y]) t.dispose();
  }
}
