// What both ReLU step forms share: the forward pass with the activation pattern as bits (DESIGN
// §5.2, ⌈n/64⌉ words a neuron), the pattern-change fraction, H(k) from row masks (eq. 5) and the
// output layer's gradient; H(k) is RunState's.
import { kernels } from '../wasm/loader.js';
import * as parallel from '../wasm/parallel.js';
import { WasmBuffer, freeAll } from '../wasm/memory.js';
import type { RunState, StepForm, StepMethod } from './stepForm.js';

/** The ReLU half of a step form; kernelStep.ts and primalStep.ts add the step itself. */
export abstract class ReluForm implements Partial<StepForm> {
  abstract readonly method: StepMethod;
  protected readonly k = kernels();
  protected readonly wordsPerNeuron: number;
  /** 1{z_ir(k) ≥ 0}, neuron-major: neuron r's n bits in wordsPerNeuron words. */
  protected readonly bits: WasmBuffer;
  private readonly bits0: WasmBuffer;

  constructor(protected readonly state: RunState) {
    this.wordsPerNeuron = Math.ceil(state.n / 64);
    this.bits = new WasmBuffer('u64', state.m * this.wordsPerNeuron);
    try {
      this.bits0 = new WasmBuffer('u64', state.m * this.wordsPerNeuron);
    } catch (error) {
      this.bits.free();
      throw error;
    }
  }

  /** u(k) and the activation bits from Z(k). */
  forward(): void {
    const s = this.state;
    parallel.forward(s.ZT.ptr, s.m, s.n, s.net._a.ptr, s.outputFactor, s.u.ptr, this.bits.ptr, this.wordsPerNeuron);
  }

  keepInitialPattern(): void {
    this.bits0.words().set(this.bits.words());
  }

  /** Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)} / (nm). */
  patternChange(): number {
    const { n, m } = this.state;
    return this.k.countChangedBits(this.bits.ptr, this.bits0.ptr, m * this.wordsPerNeuron) / (n * m);
  }

  /** ∂L/∂a_r = (1/√m) Σ_i e_i relu(z_ir). */
  outputGradient(gradient: WasmBuffer): void {
    const s = this.state;
    parallel.outputLayerGradient(s.ZT.ptr, s.m, s.n, s.e.ptr, s.gradientFactor, gradient.ptr);
  }

  /** λ_min (1) or λ_max (2) of H(k) or H(0) (RunState.extremeOfGram: the mask Gram for ±1 a, a²-weighted otherwise). */
  extremeOfGram(at: 'current' | 'initial', want: 1 | 2): number {
    return this.state.extremeOfGram(at, want);
  }

  free(): void {
    freeAll(this.bits, this.bits0);
  }
}
