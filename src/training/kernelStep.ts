// The kernel-space step for ReLU (DESIGN §5.1): Z ← Z − η K D with K = X Xᵀ and
// D_ir = c_r e_i 1{z_ir ≥ 0}, summed over the active bits only (≈ n²m flops a step instead of the
// primal 3nmd); W is never needed while training: W(k) = W(0) − S X with S = η Σ_j D(j). A
// mini-batch SGD step (e zero outside its b inputs) sums the batch's b rows of K only (≈ b·n·m).
import * as parallel from '../wasm/parallel.js';
import { WasmBuffer, freeAll } from '../wasm/memory.js';
import { threadCount } from '../wasm/loader.js';
import { ReluForm } from './reluPattern.js';
import type { RunState, StepForm } from './stepForm.js';

export class KernelStep extends ReluForm implements StepForm {
  readonly method = 'kernel' as const;
  /** K in float32, the step's operand. */
  private readonly K32: WasmBuffer;
  /** S = η Σ_{j<k} D(j), neuron-major m×n: W(k) = W(0) − S X. */
  private readonly S: WasmBuffer;
  /** P = diag(e) K: the step's rows with e folded in. */
  private readonly scaledRows: WasmBuffer;
  /** maskedRowSum's running sums and offset lists, one slice per thread. */
  private readonly sumScratch: WasmBuffer;
  /** A copy of W(0), made when W(k) is first rebuilt during the run. */
  private initialWeights?: WasmBuffer;
  /** The step k whose W(k) the net's W holds. */
  private weightsStep = 0;
  /**
   * SGD: the coming step's batch, ascending (b i32), and the batch's activation bits of every
   * neuron (m × ⌈b/64⌉ words), allocated at the first batch; `batchSize` 0 while no batch is set.
   */
  private batchIndices?: WasmBuffer;
  private batchBits?: WasmBuffer;
  private batchSize = 0;

  constructor(state: RunState) {
    super(state);
    const { n, m } = state;
    try {
      this.scaledRows = new WasmBuffer('f32', n * n);
      this.sumScratch = new WasmBuffer('f32', parallel.maskedRowSumScratchBytes(n, n, m, threadCount()) / 4);
      const K64 = state.linearKernel64();
      this.K32 = new WasmBuffer('f32', n * n);
      this.S = new WasmBuffer('f32', m * n);
      this.k.demoteToF32(K64.ptr, this.K32.ptr, n * n);
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /** The batch of the coming step (SGD); a batch of all n inputs takes the full step. */
  restrictToBatch(batch: Int32Array): void {
    const { n, m } = this.state;
    if (batch.length === n) return;
    if (!this.batchIndices || this.batchIndices.length !== batch.length) {
      freeAll(this.batchIndices, this.batchBits);
      this.batchIndices = this.batchBits = undefined;
      this.batchIndices = new WasmBuffer('f32', batch.length); // 4-byte slots, read as i32 (batchIndexView)
      this.batchBits = new WasmBuffer('u64', m * Math.ceil(batch.length / 64));
    }
    // Ascending, as the full step adds K's rows: the same order of additions, and K read in order.
    const index = this.batchIndexView();
    index.set(batch);
    index.sort();
    this.batchSize = batch.length;
  }

  /** The batch's indices as i32 (a fresh view, valid until the next allocation). */
  private batchIndexView(): Int32Array {
    return new Int32Array(this.k.memory.buffer, this.batchIndices!.ptr, this.batchIndices!.length);
  }

  step(eta: number, beforeZ?: () => void): void {
    const { n, m, ZT, e, rowScale } = this.state;
    parallel.accumulateCoefficients(this.S.ptr, ZT.ptr, m, n, e.ptr, rowScale.ptr, eta);
    beforeZ?.();
    const b = this.batchSize;
    this.batchSize = 0;
    if (b === 0) {
      this.k.scaleRows(this.scaledRows.ptr, this.K32.ptr, e.ptr, n, n);
      parallel.maskedRowSum(ZT.ptr, m, n, this.scaledRows.ptr, n, rowScale.ptr, -eta, this.bits.ptr,
        this.wordsPerNeuron, this.wordsPerNeuron, this.sumScratch.ptr);
      return;
    }
    // The batch's rows j of P = diag(e) K (row j: e_{i_j} K_{i_j}), and bit j of each neuron's mask.
    const indices = this.batchIndices!, words = Math.ceil(b / 64), rowBytes = 4 * n;
    const index = this.batchIndexView();
    for (let j = 0; j < b; j++) {
      const i = index[j];
      this.k.scaleRows(this.scaledRows.ptr + j * rowBytes, this.K32.ptr + i * rowBytes, e.ptr + 4 * i, 1, n);
    }
    parallel.gatherMaskBits(this.bits.ptr, this.wordsPerNeuron, m, indices.ptr, b, this.batchBits!.ptr, words);
    parallel.maskedRowSum(ZT.ptr, m, n, this.scaledRows.ptr, b, rowScale.ptr, -eta, this.batchBits!.ptr,
      words, words, this.sumScratch.ptr);
  }

  /** ‖w_r(k) − w_r(0)‖² = Σ_i S_ir (z_ir(0) − z_ir(k)) (DESIGN §5.1), no W needed. */
  maxWeightDistance(): number {
    const { n, m, ZT, ZT0 } = this.state;
    return parallel.maxDistanceFromCoefficients(this.S.ptr, ZT0.ptr, ZT.ptr, m, n);
  }

  stateBuffers(): WasmBuffer[] {
    return [this.S];
  }

  /**
   * The net's W holds W(0) while training; W(k) = W(0) − S X is rebuilt only when asked (from
   * onStep through weights(), predict() or gram(), and once at the end). A rebuild during the run
   * first keeps a copy of W(0), which later rebuilds start from; `final` skips that copy.
   */
  syncWeights(step: number, final: boolean): void {
    if (this.weightsStep === step) return;
    const { net, m, d } = this.state;
    if (this.weightsStep !== 0) net._W.f32().set(this.initialWeights!.f32());
    else if (!final && !this.initialWeights) {
      // Allocate first, then take both views: the allocation may grow memory and detach views.
      this.initialWeights = new WasmBuffer('f32', m * d);
      this.initialWeights.f32().set(net._W.f32());
    }
    this.rebuildWeights(step);
    this.weightsStep = step;
  }

  /**
   * W(k) = W(0) − S X, one blocked GEMM. S(0) = 0, and a restore to step 0 brings back S(0): a
   * run at step 0 keeps W(0) as it is, with no scan of the m·n coefficients.
   */
  private rebuildWeights(step: number): void {
    if (step === 0) return;
    const { n, d, m, X, net } = this.state;
    const packed = new WasmBuffer('f32', parallel.gemmSubtractScratchBytes(n, d) / 4);
    try {
      parallel.gemmSubtractNN(this.S.ptr, X.ptr, packed.ptr, net._W.ptr, m, d, n);
    } finally {
      packed.free();
    }
  }

  override free(): void {
    super.free();
    freeAll(this.scaledRows, this.sumScratch, this.K32, this.S, this.initialWeights, this.batchIndices, this.batchBits);
  }
}
