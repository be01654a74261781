// W −= S X (assembly/linalg/gemm.ts, gemmSubtractNN), the rebuild W(k) = W(0) − S X at the end of a
// kernel-space run: against the float64 formula on edge sizes (1, and sizes not divisible by the
// kernel's 4-row blocks, 8-column panels or 64-row groups), bit for bit against the masked combine
// it replaced (so trajectories do not move), and independent of how rows are split between threads.
import { describe, it, expect, beforeAll } from 'vitest';
import { init } from '../src/index.js';
import { kernels, relaxedSimdActive, relaxedSimdSupported } from '../src/wasm/loader.js';
import { WasmBuffer, bufferFrom, freeAll } from '../src/wasm/memory.js';
import { gemmSubtractScratchBytes } from '../src/wasm/parallel.js';
import { mulberry32 } from './reference/random.js';

// init() loads the relaxed-SIMD build under OVERPARAM_RELAXED_SIMD=1 (with
// --experimental-wasm-relaxed-simd in NODE_OPTIONS on Node 20): the float64 test holds for both.
beforeAll(() => init());

function problem(rows: number, cols: number, inner: number, seed: number) {
  const rand = mulberry32(seed);
  const fill = (length: number) => Float32Array.from({ length }, () => rand() * 2 - 1);
  return { W: fill(rows * cols), S: fill(rows * inner), X: fill(inner * cols) };
}

/** W − S X in float64, and Σ_j |S_rj X_jc| per entry (the scale float32 round-off is relative to). */
function reference(W: Float32Array, S: Float32Array, X: Float32Array, rows: number, cols: number, inner: number) {
  const value = new Float64Array(rows * cols), magnitude = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0, abs = 0;
      for (let j = 0; j < inner; j++) {
        sum += S[r * inner + j] * X[j * cols + c];
        abs += Math.abs(S[r * inner + j] * X[j * cols + c]);
      }
      value[r * cols + c] = W[r * cols + c] - sum;
      magnitude[r * cols + c] = abs + Math.abs(W[r * cols + c]);
    }
  }
  return { value, magnitude };
}

function gemm(W: Float32Array, S: Float32Array, X: Float32Array, rows: number, cols: number, inner: number,
  split: number[] = [0, rows]): Float32Array {
  const w = bufferFrom('f32', W), s = bufferFrom('f32', S), x = bufferFrom('f32', X);
  const packed = new WasmBuffer('f32', Math.max(1, gemmSubtractScratchBytes(inner, cols) / 4));
  try {
    kernels().packColumnPanels(x.ptr, packed.ptr, inner, cols);
    for (let t = 0; t + 1 < split.length; t++) {
      const r0 = split[t], r1 = split[t + 1];
      kernels().gemmSubtractNN(s.ptr + 4 * r0 * inner, x.ptr, packed.ptr, w.ptr + 4 * r0 * cols, r1 - r0, cols, inner);
    }
    return Float32Array.from(w.f32());
  } finally {
    freeAll(w, s, x, packed);
  }
}

describe('gemmSubtractNN (W −= S X)', () => {
  it('matches the float64 formula to float32 round-off on edge sizes', () => {
    let seed = 1;
    for (const rows of [1, 3, 4, 5, 67, 130]) {
      for (const cols of [1, 3, 4, 7, 8, 9, 33, 65]) {
        for (const inner of [1, 5, 64, 65]) {
          const { W, S, X } = problem(rows, cols, inner, seed++);
          const got = gemm(W, S, X, rows, cols, inner);
          const { value, magnitude } = reference(W, S, X, rows, cols, inner);
          for (let i = 0; i < got.length; i++) {
            // Each of the inner + 1 roundings errs by at most 2⁻²⁴ of a partial sum ≤ the magnitude.
            const bound = (inner + 2) * 2 ** -24 * magnitude[i];
            if (!(Math.abs(got[i] - value[i]) <= bound)) {
              throw new Error(`rows ${rows} cols ${cols} inner ${inner} entry ${i}: ${got[i]} vs ${value[i]} (bound ${bound})`);
            }
          }
        }
      }
    }
  });

  it('leaves W unchanged bit for bit when S = 0', () => {
    const { W, X } = problem(9, 11, 13, 5);
    expect(Array.from(gemm(W, new Float32Array(9 * 13), X, 9, 11, 13))).toEqual(Array.from(W));
  });

  it('does not depend on how the rows are split (threads split on 4-row blocks or anywhere)', () => {
    const rows = 150, cols = 37, inner = 70;
    const { W, S, X } = problem(rows, cols, inner, 9);
    const whole = Array.from(gemm(W, S, X, rows, cols, inner));
    for (const split of [[0, 4, rows], [0, 64, 128, rows], [0, 1, 77, 149, rows]]) {
      expect(Array.from(gemm(W, S, X, rows, cols, inner, split))).toEqual(whole);
    }
  });

  // The relaxed build fuses the GEMM's multiply-adds and not the combine's: there only the float64 test applies.
  it('equals a float32 emulation of its documented order bit for bit: Σ_j in increasing j, rounded after each multiply and add', (context) => {
    if (relaxedSimdActive()) context.skip();
    for (const [rows, cols, inner] of [[70, 45, 130], [5, 9, 1], [4, 8, 65], [1, 33, 7]]) {
      const { W, S, X } = problem(rows, cols, inner, 21 + rows);
      const want = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          let acc = 0;
          for (let j = 0; j < inner; j++) acc = Math.fround(acc + Math.fround(S[r * inner + j] * X[j * cols + c]));
          want[r * cols + c] = Math.fround(W[r * cols + c] - acc);
        }
      }
      expect(Array.from(gemm(W, S, X, rows, cols, inner)), `${rows}×${cols}×${inner}`).toEqual(Array.from(want));
    }
  });
});

describe('the relaxed-SIMD build', () => {
  it('loads exactly when asked for and the engine validates relaxed SIMD (Node 20: behind its V8 flag)', () => {
    const flagged = process.execArgv.includes('--experimental-wasm-relaxed-simd');
    if (Number(process.versions.node.split('.')[0]) === 20) expect(relaxedSimdSupported()).toBe(flagged);
    expect(relaxedSimdActive()).toBe(process.env.OVERPARAM_RELAXED_SIMD === '1' && relaxedSimdSupported());
  });
});
