// Messages between the page and the training worker. Typed arrays travel by transfer (no copy).
import type { Degeneracy, StepSizeAdvice } from './theory';
import type { Activation } from '../../src/activations';
import type { OutputInit } from '../../src/parametrisation';
import type { CertificateCheck, Optimizer } from '../../src/index';

/** The data of a run, resolved to numbers (points are turned into X on the page). */
export type DataSpec =
  | { kind: 'sphere'; n: number; d: number; seed: number }
  | { kind: 'given'; n: number; d: number; X: Float32Array; y: Float32Array };

/** The network's model: ψ, κ, α, γ, a(0), and whether a trains (which decides the limit kernel). */
export interface ModelSpec {
  activation: Activation;
  /** Leaky ReLU's slope (passed on only with activation 'leakyRelu'). */
  negativeSlope: number;
  /** κ of w_r(0) ~ N(0, κ²I): TwoLayerNet.random's and gramInfinity's `scale`. */
  scale: number;
  outputScale: number;
  widthExponent: number;
  outputInit: OutputInit;
  joint: boolean;
}

/** Page → worker. */
export type Request =
  | { type: 'analyse'; id: number; data: DataSpec; model: ModelSpec; optimizer: Optimizer }
  | {
      type: 'run'; id: number; data: DataSpec; widths: number[]; eta: number | undefined;
      steps: number; seed: number; joint: boolean; model: ModelSpec; optimizer: Optimizer;
      /** Record train's certificates (the proof panel is open): every width, streamed as they grow. */
      certificates: boolean;
    };

/** A square matrix reduced for display (block averages when n is large). */
export interface HeatmapData {
  size: number;
  data: Float64Array;
}

/** What the data alone determine: H∞'s spectrum and the step-size advice. */
export interface Analysis {
  /** The limit kernel λ0 and the theory lines come from: 'H∞', 'H* (tanh)', 'H* + K^a (tanh, joint)'. */
  kernel: string;
  n: number;
  d: number;
  lambda0: number;
  lambdaMax: number;
  advice: StepSizeAdvice;
  degeneracy: Degeneracy;
  /** Fingerprints of the exact float32 inputs and labels the run uses. */
  inputsFingerprint: string;
  labelsFingerprint: string;
  /** Fingerprint of the limit kernel's exact float64 entries (the H∞ heatmap's matrix). */
  kernelFingerprint: string;
}

/**
 * The per-step certificate arrays streamed to the page (TrainCertificates' Float64Arrays, indexed
 * by the step k → k + 1); those of ReLU only are absent for other activations.
 */
export const CERTIFICATE_SERIES = [
  'measuredRadius', 'contraction', 'condition41', 'proofFactor', 'quadratic', 'quadraticBound',
  'sPerpTotal', 'lemma41Bound', 'flipped', 'i2Norm', 'i2Bound',
] as const;
/** The arrays on the gramEvery grid (TrainCertificates.gram). */
export const GRAM_CERTIFICATE_SERIES = ['step', 'deviation', 'deviationBound'] as const;

/**
 * New certificates of one width since its last batch: the per-step arrays from `fromStep`, the
 * gram grid's from `fromGram`, and the constants and pass/fail summary as they stand now.
 */
export interface CertificateBatch {
  type: 'certificates';
  id: number;
  widthIndex: number;
  fromStep: number;
  series: Partial<Record<(typeof CERTIFICATE_SERIES)[number], Float64Array>>;
  fromGram: number;
  gram: Partial<Record<(typeof GRAM_CERTIFICATE_SERIES)[number], number[]>>;
  /** Corollary 4.1's R′, Lemma 3.2's R (ReLU), λ0, δ, η of the run. */
  corollary41Radius: number;
  lemma32Radius?: number;
  lemma34?: { holds: boolean; widthNeeded: number };
  lambda0: number;
  delta: number;
  summary: CertificateCheck[];
  /** True with the width's last batch (the run's own TrainResult.certificates). */
  final: boolean;
}

/** The theory's floors under λ_min(H(k)): ¾λ0 at the start (Lemma 3.1), λ0/2 during training (Lemma 3.2). */
export interface GramFloors {
  initial: number;
  training: number;
}

/** Measured curves of one batch of steps of one width, k = fromStep … fromStep + length − 1. */
export interface StepBatch {
  type: 'steps';
  id: number;
  widthIndex: number;
  fromStep: number;
  residualSq: Float64Array;
  patternChangeFraction: Float64Array;
  maxWeightDistance: Float64Array;
  /** λ_min(H(k)) at the steps of this batch that were on the measuring grid. */
  lambdaSteps: number[];
  lambdaValues: number[];
  /** Seconds from this width's start to its step 0 (the net, u(0), H(0), the step's setup). */
  setupSeconds: number;
  /** Seconds from step 0 to the batch's last step: the measured cost of the steps so far. */
  stepSeconds: number;
}

/** A width's end of training: its full result and the kernels for the heatmaps. */
export interface WidthDone {
  type: 'widthDone';
  id: number;
  widthIndex: number;
  m: number;
  status: 'done' | 'diverged' | 'aborted';
  stepsRun: number;
  method: 'kernel' | 'primal';
  divergenceMessage?: string;
  residualSq: Float64Array;
  patternChangeFraction: Float64Array;
  maxWeightDistance: Float64Array;
  fingerprints: { residualSq: string; patternChangeFraction: string; maxWeightDistance: string };
  lambdaMinH0: number;
  lambdaMinFinal: number;
  /** ‖H(0) − H∞‖₂ (Lemma 3.1: ≤ λ0/4 for m large) and ‖H(k) − H(0)‖₂ at the last step. */
  initialKernelGap: number;
  kernelDrift: number;
  /** Corollary 4.1's radius R' = 4√n ‖y − u(0)‖/(√m λ0). */
  radiusBound: number;
  gram0: HeatmapData;
  gramFinal: HeatmapData;
  seconds: number;
}

/** Worker → page. */
export type Reply =
  | { type: 'ready' }
  | ({ type: 'analysis'; id: number } & Analysis)
  | ({ type: 'runStart'; id: number; eta: number; gramEvery: number; gramFloors: GramFloors; gramInfinity: HeatmapData } & Analysis)
  | {
      type: 'widthStart'; id: number; widthIndex: number; m: number;
      /** Dashed theory lines from this width's own u(0), k = 0..steps. */
      bound: number[]; infiniteWidth: number[];
    }
  | StepBatch
  | CertificateBatch
  /** train refused certificates for this run (joint training, α ≠ 1 or γ ≠ ½, an optimiser other than GD): its reason. */
  | { type: 'certificatesRefused'; id: number; reason: string }
  | WidthDone
  | { type: 'runDone'; id: number; seconds: number }
  | { type: 'error'; id: number; message: string; code?: string };
