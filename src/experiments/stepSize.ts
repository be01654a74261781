// Step sizes for the paper's experiment. The theory's η = O(λ0/n²) (Theorem 4.1) is ~10⁻⁷ at the
// paper's size and would show nothing in 100 steps, so the experiment uses a step derived from
// λ_max (GD is stable for η < 2/λ_max) and reports the theory's value beside it (DESIGN §3).
import { extremeEigenvalues, lambdaMax, lambdaMin } from '../spectra.js';
import { gramInfinity, type GramInfinityOptions } from '../kernels.js';
import { OverparamRangeError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { TwoLayerNet } from '../network.js';
import { stabilityLimit, theoryStepSize } from './theory.js';
import { optimizerStabilityLimit } from './optimizers.js';
import type { Optimizer } from '../training/optimizer.js';

/**
 * Default share of the stability limit 2/λ_max: η = 1/(2λ_max). The 4× margin covers λ_max(H(k))
 * growing while narrow nets train, and keeps 100 steps of the paper's experiment on the linear
 * rate above float32 round-off (η = 1/λ_max reaches round-off in ~60 steps at n = d = 200..1000).
 */
export const DEFAULT_FRACTION_OF_LIMIT = 0.25;

/** A step size with the numbers it came from. */
export interface StepSizeSuggestion {
  /** The suggested η = fractionOfLimit · 2/λ_max. */
  eta: number;
  /** λ_max it was derived from. */
  lambdaMax: number;
  /**
   * The stability limit: 2/λ_max for GD (on the linearised problem it diverges above it), the
   * optimiser's with `optimizer` (2(1 + β)/λ_max for heavy ball: optimizerStabilityLimit).
   */
  largestStableEta: number;
  /** η/(2/λ_max). */
  fractionOfLimit: number;
  /** λ0 = λ_min(H∞) when known. */
  lambda0?: number;
  /** Theorem 4.1's η = O(λ0/n²), with constant 1, when λ0 is known. */
  theoryEta?: number;
  /** Which Gram matrix λ_max came from: the networks' H(0) or the limit H∞. */
  source: 'gram' | 'gramInfinity';
}

/** Options of {@link suggestStepSize}. */
export interface SuggestStepSizeOptions {
  /** Take λ_max as the largest λ_max(H(0)) over these networks; without nets, λ_max(H∞). */
  nets?: TwoLayerNet[];
  /** η as a share of the stability limit 2/λ_max, in (0, 1); default {@link DEFAULT_FRACTION_OF_LIMIT}. */
  fractionOfLimit?: number;
  /**
   * The limit kernel λ0 (and, without nets, λ_max) is taken from: gramInfinity's options
   * (activation, part, negativeSlope, scale); default Theorem 3.1's ReLU H∞. Use part 'both' for a
   * run that trains the output layer too, and the nets' activation and scale.
   */
  kernel?: GramInfinityOptions;
  /** The optimiser train() will run (default GD): the limit becomes its own (optimizerStabilityLimit). */
  optimizer?: Optimizer;
}

/** The step size and its report from spectra already computed (no matrix work). */
export function stepSizeFromSpectrum({ lambdaMax: top, lambda0, n, source, fractionOfLimit = DEFAULT_FRACTION_OF_LIMIT, optimizer }: {
  lambdaMax: number; lambda0?: number; n: number; source: StepSizeSuggestion['source']; fractionOfLimit?: number;
  /** The optimiser (default GD): its stability limit replaces GD's 2/λ_max. */
  optimizer?: Optimizer;
}): StepSizeSuggestion {
  if (!(top > 0) || !Number.isFinite(top)) {
    throw new OverparamRangeError('BAD_VALUE', `suggestStepSize: λ_max must be finite and > 0, got ${top} (are all inputs zero?)`);
  }
  if (!(fractionOfLimit > 0 && fractionOfLimit < 1)) {
    throw new OverparamRangeError('BAD_VALUE', `suggestStepSize: fractionOfLimit must be in (0, 1), got ${fractionOfLimit}`);
  }
  const largestStableEta = optimizer === undefined || optimizer.kind === 'gd' ? stabilityLimit(top) : optimizerStabilityLimit(top, optimizer);
  return {
    eta: fractionOfLimit * largestStableEta, lambdaMax: top, largestStableEta, fractionOfLimit, source,
    ...(lambda0 === undefined ? {} : { lambda0, theoryEta: theoryStepSize(lambda0, n) }),
  };
}

/**
 * Suggests a gradient-descent step size for training on X: η = ¼ · 2/λ_max by default, with λ_max
 * from the networks' H(0) (if given; the largest over them, so every width is stable) or from H∞.
 * Also reports λ0 = λ_min(H∞) and the theory's η = λ0/n² (Theorem 4.1). With `optimizer` the
 * limit is that optimiser's (heavy ball 2(1 + β)/λ_max, Nesterov 2(1 + β)/((1 + 2β)λ_max)).
 *
 * @example
 * const { X } = sphereData({ n: 100, d: 100 });
 * const { eta, largestStableEta, theoryEta } = suggestStepSize(X);
 */
export function suggestStepSize(X: Matrix, options: SuggestStepSizeOptions = {}): StepSizeSuggestion {
  const Hinf = gramInfinity(X, options.kernel);
  const nets = options.nets ?? [];
  // Without nets both ends of H∞'s spectrum are wanted: one Lanczos run gives them.
  const { min: lambda0, max: top } = nets.length > 0
    ? { min: lambdaMin(Hinf), max: Math.max(...nets.map((net) => lambdaMax(net.gram(X, { part: options.kernel?.part })))) }
    : extremeEigenvalues(Hinf);
  return stepSizeFromSpectrum({
    lambdaMax: top, lambda0, n: X.rows, source: nets.length > 0 ? 'gram' : 'gramInfinity',
    fractionOfLimit: options.fractionOfLimit, optimizer: options.optimizer,
  });
}
