// The activations ψ a network or a limit kernel can use (DESIGN §7.1–7.2, issue 12 §2), their ids
// in the WebAssembly core, and the option checks every entry point shares.
import { OverparamRangeError } from './errors.js';

/** The activation ψ of the first layer: f(x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (DESIGN §7.1). */
export type Activation =
  | 'relu' | 'leakyRelu' | 'softplus' | 'sigmoid' | 'tanh' | 'erf' | 'gelu' | 'quadratic' | 'linear';

/**
 * Each activation's id in the WebAssembly core. The source of truth is
 * `assembly/activations/ids.ts` (ACTIVATION_* constants); test/limit_kernels.test.ts checks that
 * this table matches it.
 * @internal
 */
export const ACTIVATION_IDS: Readonly<Record<Activation, number>> = Object.freeze({
  relu: 0, leakyRelu: 1, softplus: 2, sigmoid: 3, tanh: 4, erf: 5, gelu: 6, quadratic: 7, linear: 8,
});

/** Every activation name, in id order. */
export const ACTIVATIONS: readonly Activation[] = Object.freeze(
  (Object.keys(ACTIVATION_IDS) as Activation[]).sort((a, b) => ACTIVATION_IDS[a] - ACTIVATION_IDS[b]));

/** Leaky ReLU's default negative slope s (ψ(z) = z for z ≥ 0, s·z below). */
export const DEFAULT_NEGATIVE_SLOPE = 0.01;

/** Which layer's kernel: H* of the first layer, K^a of the output layer, or their sum (joint training). */
export type KernelPart = 'first' | 'output' | 'both';

/**
 * The part ids of the core (PART_* in `assembly/activations/ids.ts`, bit flags).
 * @internal
 */
export const PART_IDS: Readonly<Record<KernelPart, number>> = Object.freeze({ first: 1, output: 2, both: 3 });

/** An activation with its parameter, as checked by {@link resolveActivation}. */
export interface ResolvedActivation {
  activation: Activation;
  /** The core's id of the activation. */
  id: number;
  /** Leaky ReLU's slope (0 for every other activation). */
  negativeSlope: number;
}

/**
 * Checks `activation` (default 'relu') and `negativeSlope` (leaky ReLU only: default 0.01, a
 * number in [0, 1]; 0 is ReLU, 1 the linear map) and returns them with the core's id. `fn` names
 * the caller in the errors, e.g. 'gramInfinity'.
 * @internal
 */
export function resolveActivation(fn: string, activation: unknown = 'relu', negativeSlope?: unknown): ResolvedActivation {
  if (typeof activation !== 'string' || !Object.prototype.hasOwnProperty.call(ACTIVATION_IDS, activation)) {
    throw new OverparamRangeError('BAD_VALUE',
      `${fn}: options.activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describe(activation)}`);
  }
  const name = activation as Activation;
  if (negativeSlope !== undefined && name !== 'leakyRelu') {
    throw new OverparamRangeError('BAD_VALUE',
      `${fn}: options.negativeSlope applies to activation 'leakyRelu' only, got negativeSlope = ${describe(negativeSlope)} with activation '${name}'`);
  }
  let slope = 0;
  if (name === 'leakyRelu') {
    slope = negativeSlope === undefined ? DEFAULT_NEGATIVE_SLOPE : (negativeSlope as number);
    if (typeof slope !== 'number' || !(slope >= 0 && slope <= 1)) {
      throw new OverparamRangeError('BAD_VALUE',
        `${fn}: options.negativeSlope must be a number in [0, 1], got ${describe(negativeSlope)}`);
    }
  }
  return { activation: name, id: ACTIVATION_IDS[name], negativeSlope: slope };
}

/** Checks `part` (default 'first') and returns it. @internal */
export function resolvePart(fn: string, part: unknown = 'first'): KernelPart {
  if (typeof part !== 'string' || !Object.prototype.hasOwnProperty.call(PART_IDS, part)) {
    throw new OverparamRangeError('BAD_VALUE',
      `${fn}: options.part must be 'first', 'output' or 'both', got ${describe(part)}`);
  }
  return part as KernelPart;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
