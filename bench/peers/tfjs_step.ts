// The TensorFlow.js peer: the same GD step (eq. 3–4) in tf ops on @tensorflow/tfjs-backend-wasm
// (XNNPACK, SIMD; one thread in Node, whose worker cannot start there).
//
// Fast form only: TF.js's wasm matMul is fast when no operand carries a transpose flag and falls
// to a scalar loop about 10× slower otherwise, so Wᵀ (d×m) and Xᵀ (d×n) are stored once and
// both products are written without transposes:
//   Z = X·Wᵀ (n×m),  u = relu(Z)·a/√m,  e = u − y,  D = (e aᵀ/√m) ⊙ 1{Z ≥ 0},
//   Gᵀ = Xᵀ·D (d×m),  Wᵀ ← Wᵀ − η Gᵀ.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Loads the wasm backend from node_modules and makes it current; returns the backend name. */
export async function initTfjsWasm(): Promise<string> {
  const require = createRequire(import.meta.url);
  // setWasmPaths wants the folder of the .wasm files as a path prefix ending in a slash.
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(join(dist, 'dist') + '/');
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tfjs: the wasm backend failed to initialise');
  await tf.ready();
  return tf.getBackend();
}

/** One network's state in TF.js tensors, stepped in the fast (transpose-free) form. */
export class TfjsStep {
  private WT: tf.Tensor2D;
  private readonly X: tf.Tensor2D;
  private readonly XT: tf.Tensor2D;
  private readonly aColumn: tf.Tensor2D;
  private readonly aRow: tf.Tensor2D;
  private readonly y: tf.Tensor2D;

  /** W is m×d row-major (as TwoLayerNet stores it); it is transposed once, here. */
  constructor(X: Float32Array, W: Float32Array, a: Float32Array, y: Float32Array,
              readonly n: number, readonly d: number, readonly m: number, private readonly eta: number) {
    const invSqrtM = 1 / Math.sqrt(m);
    this.X = tf.tensor2d(X, [n, d]);
    this.XT = tf.tidy(() => tf.transpose(this.X) as tf.Tensor2D);
    this.WT = tf.tidy(() => tf.transpose(tf.tensor2d(W, [m, d])) as tf.Tensor2D);
    this.aColumn = tf.tensor2d(a, [m, 1]);
    this.aRow = tf.tidy(() => tf.mul(tf.tensor2d(a, [1, m]), invSqrtM) as tf.Tensor2D);
    this.y = tf.tensor2d(y, [n, 1]);
  }

  /** One GD step; returns ‖u − y‖² at the state before the step (read back synchronously). */
  step(): number {
    const invSqrtM = 1 / Math.sqrt(this.m);
    const [nextWT, residualSq] = tf.tidy(() => {
      const Z = tf.matMul(this.X, this.WT);
      const u = tf.mul(tf.matMul(tf.relu(Z), this.aColumn), invSqrtM);
      const e = tf.sub(u, this.y);
      const active = tf.cast(tf.greaterEqual(Z, 0), 'float32');
      const D = tf.mul(tf.mul(active, e), this.aRow);
      const GT = tf.matMul(this.XT, D);
      return [tf.sub(this.WT, tf.mul(GT, this.eta)) as tf.Tensor2D, tf.sum(tf.square(e))];
    });
    this.WT.dispose();
    this.WT = nextWT;
    const value = residualSq.dataSync()[0];
    residualSq.dispose();
    return value;
  }

  /** Current W (m×d row-major), copied out. */
  weights(): Float32Array {
    return tf.tidy(() => tf.transpose(this.WT)).dataSync() as Float32Array;
  }

  dispose(): void {
    for (const t of [this.WT, this.X, this.XT, this.aColumn, this.aRow, this.y]) t.dispose();
  }
}
