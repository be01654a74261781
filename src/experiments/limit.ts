// The limit kernel that matches a run (issue 12 §3): H* of the run's activation (Theorem 3.1's H∞
// for ReLU), plus the output layer's K^a when the output layer trains too. λ0 and every theory line
// of an experiment come from it; this module says which one it is, in options and in words.
import type { GramInfinityOptions } from '../kernels.js';
import type { Activation, KernelPart } from '../activations.js';

/** What decides the limit kernel of a run. */
export interface LimitModel {
  activation: Activation;
  /** Leaky ReLU's slope (ignored for the other activations). */
  negativeSlope?: number;
  /** κ of w_r(0) ~ N(0, κ²I). */
  scale: number;
  /** Whether the output layer a trains too (then the limit is H* + K^a). */
  trainOutputLayer: boolean;
}

/** The limit kernel a run is compared with, as recorded in a sweep's result. */
export interface LimitKernel {
  activation: Activation;
  /** 'first' (H*) or 'both' (H* + K^a, when the output layer trains). */
  part: KernelPart;
  /** Leaky ReLU's slope, only for 'leakyRelu'. */
  negativeSlope?: number;
  scale: number;
  /** In words, for chart legends and reports: 'H∞' (the paper's), 'H* (tanh)', 'H* + K^a (tanh, joint)'. */
  label: string;
}

/** The part of the kernel that matches the run: 'both' when the output layer trains. */
export function limitPart(trainOutputLayer: boolean): KernelPart {
  return trainOutputLayer ? 'both' : 'first';
}

/** gramInfinity's options for the run's limit kernel. */
export function limitOptions(model: LimitModel): GramInfinityOptions {
  const options: GramInfinityOptions = { activation: model.activation, part: limitPart(model.trainOutputLayer), scale: model.scale };
  if (model.activation === 'leakyRelu' && model.negativeSlope !== undefined) options.negativeSlope = model.negativeSlope;
  return options;
}

/** The kernel's name: ReLU's first layer keeps the paper's H∞; otherwise H* of ψ, + K^a when joint. */
export function limitLabel(model: LimitModel): string {
  const psi = model.activation === 'leakyRelu' && model.negativeSlope !== undefined
    ? `leakyRelu ${model.negativeSlope}` : model.activation;
  if (!model.trainOutputLayer) return model.activation === 'relu' ? 'H∞' : `H* (${psi})`;
  return `${model.activation === 'relu' ? 'H∞' : 'H*'} + K^a (${psi}, joint)`;
}

/** The record of the run's limit kernel. */
export function limitKernel(model: LimitModel): LimitKernel {
  const options = limitOptions(model);
  return {
    activation: model.activation, part: options.part!,
    ...(options.negativeSlope !== undefined ? { negativeSlope: options.negativeSlope } : {}),
    scale: model.scale, label: limitLabel(model),
  };
}
