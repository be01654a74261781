// The primal step for ReLU (eq. 4): W ← W − η ∂L/∂W with ∂L/∂w_r = Σ_i D_ir x_i summed over the
// active bits, then Z = X Wᵀ again (≈ 3nmd flops a step). The net's W is W(k) at every step.
import * as parallel from '../wasm/parallel.js';
import { WasmBuffer, bufferFrom, freeAll } from '../wasm/memory.js';
import { threadCount } from '../wasm/loader.js';
import { ReluForm } from './reluPattern.js';
import type { RunState, StepForm } from './stepForm.js';

export class PrimalStep extends ReluForm implements StepForm {
  readonly method = 'primal' as const;
  /** P = diag(e) X: the gradient's rows with e folded in. */
  private readonly scaledRows: WasmBuffer;
  /** maskedRowSum's running sums and offset lists, one slice per thread. */
  private readonly sumScratch: WasmBuffer;
  /** W(0), for the weight distance. */
  private readonly W0: WasmBuffer;

  constructor(state: RunState) {
    super(state);
    const { n, d, m } = state;
    try {
      this.scaledRows = new WasmBuffer('f32', n * d);
      this.sumScratch = new WasmBuffer('f32', parallel.maskedRowSumScratchBytes(d, n, m, threadCount()) / 4);
      this.W0 = bufferFrom('f32', state.net._W.f32());
    } catch (error) {
      this.free();
      throw error;
    }
  }

  step(eta: number, beforeZ?: () => void): void {
    const { n, d, m, X, ZT, e, rowScale, net } = this.state;
    this.k.scaleRows(this.scaledRows.ptr, X.ptr, e.ptr, n, d);
    parallel.maskedRowSum(net._W.ptr, m, d, this.scaledRows.ptr, n, rowScale.ptr, -eta, this.bits.ptr,
      this.wordsPerNeuron, this.wordsPerNeuron, this.sumScratch.ptr);
    beforeZ?.();
    parallel.gemmNT(net._W.ptr, X.ptr, ZT.ptr, m, n, d);
  }

  maxWeightDistance(): number {
    const { m, d, net } = this.state;
    return parallel.maxRowDistance(net._W.ptr, this.W0.ptr, m, d);
  }

  stateBuffers(): WasmBuffer[] {
    return [this.state.net._W];
  }

  /** W is updated in place: always current. */
  syncWeights(): void {}

  override free(): void {
    super.free();
    freeAll(this.scaledRows, this.sumScratch, this.W0);
  }
}
