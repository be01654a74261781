// The scaling of the generalised model (DESIGN §7.1): f(x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx), the loss
// (1/(2α²))·Σ(f − y)², the step η·m^(2γ−1). Every place that scales by α or a power of m asks here.
import { OverparamRangeError, OverparamTypeError } from './errors.js';

/** How the output weights a(0) are drawn. */
export type OutputInit = 'sign' | 'gaussian' | 'symmetric';

/** The output weights' initialisations {@link TwoLayerNet.random} knows. */
export const OUTPUT_INITS: readonly OutputInit[] = ['sign', 'gaussian', 'symmetric'];

/** α and γ of f(x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx); α = 1, γ = ½ is the paper's model. */
export interface Scaling {
  /** α > 0, the output scale (large α: lazy training, DESIGN §7.3). */
  outputScale: number;
  /** γ, the width exponent: ½ the NTK scaling (the paper's), 1 the mean-field one. */
  widthExponent: number;
}

/** The paper's scaling: α = 1, γ = ½. */
export const PAPER_SCALING: Scaling = { outputScale: 1, widthExponent: 0.5 };

/** The range γ is accepted in: beyond it m^(−γ) under- or overflows float32 for the widths people use. */
export const WIDTH_EXPONENT_RANGE = [0, 2] as const;

/** m^p, written as 1/√m for p = −½ so that the paper's model keeps its bits (Math.pow may differ by an ulp). */
function widthPower(m: number, p: number): number {
  return p === -0.5 ? 1 / Math.sqrt(m) : Math.pow(m, p);
}

/** α·m^(−γ): the factor in front of Σ_r a_r ψ(w_rᵀx) (DESIGN §7.1). */
export function outputFactor(s: Scaling, m: number): number {
  return s.outputScale * widthPower(m, -s.widthExponent);
}

/**
 * m^(γ−1)/α: the step η·m^(2γ−1) times the gradient's own factor (1/α)·m^(−γ) (DESIGN §7.1), so that
 * Δw_r = −η·gradientFactor·a_r·Σ_i e_i ψ′(z_ir) x_i and Δa_r = −η·gradientFactor·Σ_i e_i ψ(z_ir).
 * For α = 1, γ = ½ it is 1/√m, the paper's.
 */
export function gradientFactor(s: Scaling, m: number): number {
  return widthPower(m, s.widthExponent - 1) / s.outputScale;
}

/** Checks α and γ, naming the function; returns them with the defaults filled in. */
export function checkScaling(where: string, outputScale: unknown = 1, widthExponent: unknown = 0.5): Scaling {
  if (typeof outputScale !== 'number' || !Number.isFinite(outputScale) || outputScale <= 0) {
    throw new OverparamRangeError('BAD_VALUE', `${where}: outputScale (α) must be a finite number > 0, got ${String(outputScale)}`);
  }
  const [low, high] = WIDTH_EXPONENT_RANGE;
  if (typeof widthExponent !== 'number' || !Number.isFinite(widthExponent) || widthExponent < low || widthExponent > high) {
    throw new OverparamRangeError('BAD_VALUE',
      `${where}: widthExponent (γ) must be a number in [${low}, ${high}] (½ the paper's NTK scaling, 1 mean field), got ${String(widthExponent)}`);
  }
  return { outputScale, widthExponent };
}

/** Checks an output initialisation name. */
export function checkOutputInit(where: string, value: unknown = 'sign'): OutputInit {
  if (typeof value !== 'string' || !(OUTPUT_INITS as readonly string[]).includes(value)) {
    throw new OverparamTypeError('BAD_VALUE', `${where}: outputInit must be one of ${OUTPUT_INITS.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as OutputInit;
}
