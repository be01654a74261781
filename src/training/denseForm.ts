// The dense step forms, for every activation but ReLU (DESIGN §7.1, issue 12 §2): ψ′(Z) is a float32
// matrix P (m×n, neuron-major like Z) instead of bits, D = diag(c) (P ∘ e) is formed densely, and
// - kernel space: Z ← Z − D K with K = X Xᵀ (2n²m flops a step), W(k) = W(0) − S X, S = Σ_j D(j),
//   rebuilt only when asked (as kernelStep.ts does for ReLU);
// - primal: W ← W − D X, then Z = W Xᵀ again (4nmd flops a step).
// The arithmetic is DenseStep's (denseStep.ts), on the loop's shared state; the light passes run
// over every thread through src/wasm/parallel.ts, and no split changes a bit.
import * as parallel from '../wasm/parallel.js';
import { WasmBuffer, freeAll } from '../wasm/memory.js';
import { kernels } from '../wasm/loader.js';
import type { RunState, StepForm, StepMethod } from './stepForm.js';

/** Bytes a {@link DenseForm} allocates on top of the loop's shared state (see estimateTrainingBytes). */
export function denseFormBytes(n: number, d: number, m: number, method: StepMethod): number {
  const f32 = 4;
  let bytes = f32 * m * n + 16 * m; // P = ψ′(Z) then D, and the ψ′ change's row sums
  if (method === 'kernel') bytes += f32 * (n * n + m * n + m * d) + parallel.gemmSubtractScratchBytes(n, n) + parallel.gemmSubtractScratchBytes(n, d);
  else bytes += f32 * m * d + parallel.gemmSubtractScratchBytes(n, d);
  return bytes;
}

/** The dense form of `method` for a smooth (or any non-ReLU) ψ. */
export class DenseForm implements StepForm {
  private readonly k = kernels();
  /** ψ′(Z(k)) after forward(), D(k) after step() (m×n). */
  private readonly P: WasmBuffer;
  /** derivativeChangeRows' 2m f64 row sums. */
  private readonly rowSums: WasmBuffer;
  /** The packed panels of the step's right operand (K in kernel space, X in primal). */
  private readonly packed: WasmBuffer;
  /** Kernel space: K in float32, and S = Σ_{j<k} D(j) (m×n), W(k) = W(0) − S X. */
  private readonly K32?: WasmBuffer;
  private readonly S?: WasmBuffer;
  /** Primal: W(0), for the weight distance. */
  private readonly W0?: WasmBuffer;
  /** Kernel space: a copy of W(0), made when W(k) is first rebuilt during the run. */
  private initialWeights?: WasmBuffer;
  /** Kernel space: the step k whose W(k) the net's W holds. */
  private weightsStep = 0;

  constructor(private readonly state: RunState, readonly method: StepMethod) {
    const { n, d, m } = state;
    const held: WasmBuffer[] = [];
    const buffer = (b: WasmBuffer): WasmBuffer => { held.push(b); return b; };
    try {
      this.P = buffer(new WasmBuffer('f32', m * n));
      this.rowSums = buffer(new WasmBuffer('f64', 2 * m));
      this.packed = buffer(new WasmBuffer('f32', Math.max(1, parallel.gemmSubtractScratchBytes(n, method === 'kernel' ? n : d) / 4)));
      if (method === 'kernel') {
        const K64 = state.linearKernel64();
        this.K32 = buffer(new WasmBuffer('f32', n * n));
        this.S = buffer(new WasmBuffer('f32', m * n));
        this.k.demoteToF32(K64.ptr, this.K32.ptr, n * n);
      } else {
        this.W0 = buffer(new WasmBuffer('f32', m * d));
        this.W0.f32().set(state.net._W.f32());
      }
    } catch (error) {
      freeAll(...held);
      throw error;
    }
  }

  /** u(k) = α m^(−γ) Σ_r a_r ψ(z_ir) and P = ψ′(Z(k)), one fused pass. */
  forward(): void {
    const s = this.state;
    parallel.denseForward(s.ZT.ptr, s.m, s.n, s.net._a.ptr, s.outputFactor, s.act, s.slope, s.u.ptr, this.P.ptr);
  }

  /** Z(0) is the loop's ZT0: nothing to keep. */
  keepInitialPattern(): void {}

  /**
   * ‖ψ′(Z(k)) − ψ′(Z(0))‖_F / ‖ψ′(Z(0))‖_F (issue 12 §2), sums in f64; 0 when ψ′ has not moved
   * (always for linear ψ), even where ψ′(Z(0)) = 0.
   */
  patternChange(): number {
    const { n, m, ZT, ZT0, act, slope } = this.state;
    const { changed, base } = parallel.derivativeChange(ZT.ptr, ZT0.ptr, m, n, act, slope, this.rowSums.ptr, () => this.rowSums.f64());
    return changed === 0 ? 0 : Math.sqrt(changed / base);
  }

  maxWeightDistance(): number {
    const { n, m, d, ZT, ZT0, net } = this.state;
    // Kernel space: ‖w_r(k) − w_r(0)‖² = Σ_i S_ir (z_ir(0) − z_ir(k)) (DESIGN §5.1), no W needed.
    if (this.S) return parallel.maxDistanceFromCoefficients(this.S.ptr, ZT0.ptr, ZT.ptr, m, n);
    return parallel.maxRowDistance(net._W.ptr, this.W0!.ptr, m, d);
  }

  extremeOfGram(at: 'current' | 'initial', want: 1 | 2): number {
    return this.state.extremeOfGram(at, want);
  }

  /** ∂L/∂a_r = (1/α) m^(−γ) Σ_i e_i ψ(z_ir), times the step's m^(2γ−1) (RunState.gradientFactor). */
  outputGradient(gradient: WasmBuffer): void {
    const s = this.state;
    parallel.denseOutputGradient(s.ZT.ptr, s.m, s.n, s.e.ptr, s.gradientFactor, s.act, s.slope, gradient.ptr);
  }

  /**
   * D_ri = η·m^(γ−1)/α·a_r e_i ψ′(z_ir) from P (and S += D), then Z ← Z − D K (kernel space) or
   * W ← W − D X, Z = W Xᵀ (primal).
   */
  step(eta: number, beforeZ?: () => void): void {
    const { n, d, m, X, ZT, e, net, gradientFactor } = this.state;
    parallel.denseScaleCoefficients(this.P.ptr, this.S ? this.S.ptr : 0, m, n, net._a.ptr, e.ptr, eta * gradientFactor);
    // beforeZ once S (kernel space) or W (primal) has moved, as StepForm.step says.
    if (!this.K32) parallel.gemmSubtractNN(this.P.ptr, X.ptr, this.packed.ptr, net._W.ptr, m, d, n);
    beforeZ?.();
    if (this.K32) parallel.gemmSubtractNN(this.P.ptr, this.K32.ptr, this.packed.ptr, ZT.ptr, m, n, n);
    else parallel.gemmNT(net._W.ptr, X.ptr, ZT.ptr, m, n, d);
  }

  stateBuffers(): WasmBuffer[] {
    return [this.S ?? this.state.net._W];
  }

  /** Primal: W is current. Kernel space: as KernelStep, W(k) = W(0) − S X rebuilt on demand. */
  syncWeights(step: number, final: boolean): void {
    if (!this.S || this.weightsStep === step) return;
    const { net, n, d, m, X } = this.state;
    if (this.weightsStep !== 0) net._W.f32().set(this.initialWeights!.f32());
    else if (!final && !this.initialWeights) {
      this.initialWeights = new WasmBuffer('f32', m * d);
      this.initialWeights.f32().set(net._W.f32());
    }
    if (step !== 0) {
      const packed = new WasmBuffer('f32', Math.max(1, parallel.gemmSubtractScratchBytes(n, d) / 4));
      try {
        parallel.gemmSubtractNN(this.S.ptr, X.ptr, packed.ptr, net._W.ptr, m, d, n);
      } finally {
        packed.free();
      }
    }
    this.weightsStep = step;
  }

  free(): void {
    freeAll(this.P, this.rowSums, this.packed, this.K32, this.S, this.W0, this.initialWeights);
  }
}
