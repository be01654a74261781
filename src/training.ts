// Gradient descent on W (eq. 3), optionally on a too, with the three curves of the paper's
// Figure 1 recorded at every step. The code lives in src/training/: train.ts (arguments, memory),
// run.ts (the loop every step form shares), stepForm.ts (the StepForm interface), and the forms
// kernelStep.ts (Z ← Z − η K D, ≈ n²m flops a step) and primalStep.ts (W ← W − η ∂L/∂W, ≈ 3nmd).
export { train, estimateTrainingBytes } from './training/train.js';
export type { StepInfo, TrainOptions, TrainResult, ModeOptions, TrainModes, FlowOptions, FlowTrainOptions, TrainFlow } from './training/types.js';
export type { Optimizer } from './training/optimizer.js';
export type { CertificateOptions, CertificateCheck, GramCertificates, TrainCertificates } from './training/certificates.js';
/** @internal */
export { TrainingRun } from './training/run.js';
