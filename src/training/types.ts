// The public types of train(): its options, what it reports after each step, and its result.
import type { Eigendecomposition } from '../spectra.js';
import type { Optimizer } from './optimizer.js';
import type { ModeRate, ModeSelection, ModeTrajectory } from '../experiments/modes.js';
import type { CertificateOptions, TrainCertificates } from './certificates.js';

/**
 * {@link TrainOptions.modes}: follow the residual in H∞'s eigenbasis (Arora et al. 2019, Section 4).
 * The eigendecomposition is the caller's, eigh(gramInfinity(X)), because it costs O(n³) and one is
 * usually shared by several runs on the same X (label noise, several widths); train only projects.
 */
export interface ModeOptions {
  /** eigh(gramInfinity(X)) for the X passed to train (n×n). */
  eigen: Eigendecomposition;
  /** Which modes: 'all' (default) or { top, bottom } (k·n work a recorded step for k modes). */
  which?: ModeSelection;
  /** Record every this many steps (and the last step); default 1. */
  every?: number;
}

/** {@link TrainResult.modes}: the recorded projections beside the kernel regime's prediction. */
export interface TrainModes {
  /**
   * The step size on the sum loss ½‖y − u‖² the run took: η for loss 'sum', η/n for 'mean' (for any
   * α, γ: the step's η·m^(2γ−1) and the model's α·m^(−γ) make u move by −η·H·(u − y) as in the
   * paper); what the predictions use.
   */
  eta: number;
  /** Measured p_i(k) = v_iᵀ(y − u(k)) at the recorded steps, with ‖y − u(k)‖. */
  measured: ModeTrajectory;
  /** The kernel regime (m → ∞): p_i(k) = (1 − ηλ_i)^k p_i(0), k = 0..stepsRun, from the measured p_i(0). */
  predicted: ModeTrajectory;
  /** Each mode's fitted factor per step against 1 − ηλ_i (fitModeRates on `measured`). */
  rates: ModeRate[];
}
/** What {@link train} reports after each step. */
export interface StepInfo {
  /** k: the state W(k) these numbers describe (0 = initial). */
  step: number;
  residualSq: number;
  /** As TrainResult.patternChangeFraction: ReLU's fraction of changed signs, else the relative change of ψ′(Z). */
  patternChangeFraction: number;
  maxWeightDistance: number;
  /** λ_min(H(k)) when this step is on the gramEvery grid (which H: TrainResult.lambdaMinGram). */
  lambdaMinGram?: number;
  /**
   * With train's `certificates`: the proof's quantities of the transitions 0..k−1 recorded so far,
   * in the shape of TrainResult.certificates (a copy of every array: call it when you will draw it,
   * not at every step). Valid only during this onStep call.
   */
  certificatesSoFar?: () => TrainCertificates;
  /**
   * u(k) on the training inputs, the outputs this step's residualSq was computed from (a copy, n
   * floats): no forward pass and, in kernel space, no rebuild of W(k) as net.predict(X) would take.
   * Valid only during this onStep call.
   */
  output: () => Float32Array;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Step size η > 0. */
  eta: number;
  /** Number of GD steps (a non-negative integer). */
  steps: number;
  /**
   * The optimiser (issue 13, DESIGN §7.4): `{ kind: 'gd' }` (default, eq. 3), heavy ball
   * `{ kind: 'momentum', beta }`, `{ kind: 'nesterov', beta }` (the curves are recorded, and the net
   * left, at the look-ahead point Y(k) = W(k) + β(W(k) − W(k−1)) where the gradient is taken), or mini-batch SGD `{ kind: 'sgd', batchSize,
   * momentum?, seed? }` (batches without replacement, a fresh shuffle from `seed` each epoch, the
   * batch's residual scaled by n/b; the recorded loss is the full one). Every step form runs them,
   * with the same numbers on any thread count. They train the first layer and, with
   * trainOutputLayer, a the same way.
   */
  optimizer?: Optimizer;
  /**
   * Seed of SGD's batch shuffle (issue 13 §1), the same as `optimizer.seed` (give either, or both
   * equal; default 0). Only with `optimizer: { kind: 'sgd', … }`.
   */
  seed?: number;
  /** Also train the output weights a (joint training); the paper keeps a fixed. */
  trainOutputLayer?: boolean;
  /** 'sum' = ½Σ(u−y)² (eq. 2, the paper's, default); 'mean' divides it by n (seed 003). */
  loss?: 'sum' | 'mean';
  /** Record λ_min(H(k)) every this many steps (and at the last step); see TrainResult.lambdaMinGram for which H. */
  gramEvery?: number;
  /** Called with each step's numbers, k = 0..steps. */
  onStep?: (info: StepInfo) => void;
  /** Stops training within one step; the result has status 'aborted'. */
  signal?: AbortSignal;
  /** 'auto' (default) picks kernel space when n ≤ 2d, else primal. */
  method?: 'auto' | 'kernel' | 'primal';
  /** Divergence threshold: stop when ‖y − u(k)‖² exceeds this factor times ‖y − u(0)‖² (default 1e6). */
  divergenceFactor?: number;
  /**
   * Record the residual's projections p_i(k) = v_iᵀ(y − u(k)) on eigenmodes of H∞ (Arora et al.
   * 2019): pass the eigendecomposition (eigh(gramInfinity(X)), computed once by the caller) and
   * which modes. The result then has {@link TrainResult.modes}.
   */
  modes?: ModeOptions;
  /**
   * Measure ‖W(K) − W(0)‖_F at the end (Arora et al.'s Lemma 5.3 predicts √(yᵀ(H∞)⁻¹y) for the
   * paper's α = 1, γ = ½ and u(0) ≈ 0); costs a copy of W(0) (4·m·d bytes outside wasm memory).
   * The result then has weightDistanceFrobenius.
   */
  weightDistanceFrobenius?: boolean;
  /**
   * Measure the proof of Theorem 4.1 step by step (seed 002, Sections 3–4 and the appendix): each
   * lemma's quantity at every step against its bound (TrainResult.certificates). `true` or
   * { delta, lambda0, Hinf, gramEvery }: λ0 = λ_min(H∞) costs O(n³) and H∞ O(n²d), computed when not
   * given (pass them when runs share X). Costs O(nm) a step plus O(n²m) on the gramEvery grid, and a
   * copy of Z(k) (4·m·n bytes) outside wasm memory. The paper's setting: a fixed output layer and
   * the paper's scaling (α = 1, γ = ½); other activations get the quantities that do not rest on
   * ReLU's patterns (radius, contraction, quadratic term) and λ0 must be given.
   */
  certificates?: true | CertificateOptions;
}

/**
 * {@link FlowTrainOptions.flow}: run gradient descent with steps small enough that it follows the
 * gradient flow dW/dt = −m^(2γ−1)·∂L/∂W up to time `horizon` (seed 002, Section 3; issue 14 §1).
 * η and the step count come from flowStepSize (experiments/proof.ts) with λ_max of the run's own H(0).
 */
export interface FlowOptions {
  /** The flow time T to reach, > 0: the run takes `steps` steps with η·steps = T (t = ηk in the units of train's η and loss). */
  horizon: number;
  /**
   * The largest allowed gap sup_k |(1 − ηλ)^k − exp(−ηλk)| over the kernel's eigenvalues λ (so that
   * GD on the linearised model and its flow differ by less than tolerance·‖y − u(0)‖); default
   * DEFAULT_FLOW_TOLERANCE = 1e-2. Steps grow like λ_max·T/(2e·tolerance).
   */
  tolerance?: number;
  /**
   * λ_max of the Gram matrix the run follows (net.gram's units, whatever the loss). Default: λ_max
   * of the run's own H(0) (part 'both' when the output layer trains), the kernel of the linearised
   * dynamics u(k+1) − u(k) ≈ −ηH(0)(u(k) − y) at this finite width; H∞'s λ_max differs from it by
   * O(1/√m) and would not cover H(0)'s top eigenvalue. Give it to share one time grid between
   * runs (a sweep's largest λ_max) or to skip H(0)'s O(n²m) cost; the guarantee holds for the
   * eigenvalues ≤ it.
   */
  lambdaMax?: number;
  /** λ0 = λ_min(H∞) (for example eigvalsh(gramInfinity(X))[0]): the result then has Theorem 3.1's bound. */
  lambda0?: number;
  /** Refuse a tolerance and horizon that need more steps than this (default DEFAULT_FLOW_MAX_STEPS = 10⁶). */
  maxSteps?: number;
}

/**
 * Options of {@link train} with `flow`: the step size and the number of steps come from the flow
 * rule, so `eta` and `steps` may be left out (given, they must agree with it).
 */
export interface FlowTrainOptions extends Omit<TrainOptions, 'eta' | 'steps'> {
  /** Follow gradient flow up to flow.horizon (see {@link FlowOptions}). */
  flow: FlowOptions;
  /** Optional: if given it must equal the flow's η (to 1e-12 relative). */
  eta?: number;
  /** Optional: if given it must equal the flow's step count. */
  steps?: number;
}

/** {@link TrainResult.flow}: the step the flow rule chose and the run's time axis. */
export interface TrainFlow {
  /** The step size taken, in the units of train's η (for loss 'mean', n times the sum loss's). */
  eta: number;
  /** The steps asked for: eta·steps = horizon. */
  steps: number;
  /** The flow time T asked for. */
  horizon: number;
  /**
   * The gap guaranteed at this η (flowStepSize's bound, ≤ the tolerance asked for): GD on the
   * linearised model with H(0) stays within tolerance·‖y − u(0)‖ of the flow exp(−H(0)t)(y − u(0)).
   * The network itself also moves by the change of its kernel, H(t) − H(0) (O(1/√m)).
   */
  tolerance: number;
  /** The tolerance asked for (or the default). */
  requestedTolerance: number;
  /** λ_max the step was chosen from (net.gram's units). */
  lambdaMax: number;
  /** 'initialGram': λ_max(H(0)) of this run; 'given': flow.lambdaMax. */
  lambdaMaxSource: 'initialGram' | 'given';
  /**
   * t_k = ηk, k = 0..stepsRun: the time of each recorded state. For loss 'sum' the residual follows
   * dr/dt = −H r; for 'mean' dr/dt = −(H/n) r.
   */
  times: Float64Array;
  /** λ0 as given in flow.lambda0. */
  lambda0?: number;
  /**
   * With flow.lambda0: Theorem 3.1's bound exp(−λ0 t)‖y − u(0)‖² at each t_k (λ0/n in place of λ0
   * for loss 'mean').
   */
  boundResidualSq?: Float64Array;
}

/** The trajectories of a run, indexed k = 0..stepsRun (k = 0 is the initial state). */
export interface TrainResult {
  /** ‖y − u(k)‖². */
  residualSq: Float64Array;
  /**
   * u(0) = f(W(0), a(0), X): the outputs the run started from, as its first forward pass computed
   * them; the bits of `net.predict(X)` before train(), so a caller that needs both spares that GEMM.
   */
  initialOutput: Float32Array;
  /**
   * How far the activation pattern moved. ReLU: the paper's fraction of changed signs,
   * Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)} / (nm). Every other activation: the relative change of
   * the derivatives, ‖ψ′(Z(k)) − ψ′(Z(0))‖_F / ‖ψ′(Z(0))‖_F (issue 12 §2; 0 for linear ψ).
   */
  patternChangeFraction: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖₂. */
  maxWeightDistance: Float64Array;
  /**
   * λ_min(H(k)) at the recorded steps (when gramEvery is set), H(k) the Gram matrix of the run's
   * linearised dynamics at W(k), a(k) (net.gram's parts, DESIGN §7.1): the first layer's part
   * H_ij = x_iᵀx_j (1/m) Σ_r a_r² ψ′(z_ir)ψ′(z_jr); with trainOutputLayer, that plus the output
   * layer's (1/m) Σ_r ψ(z_ir)ψ(z_jr) (part 'both', whose limit is H* + K^a). The divergence
   * record's 2/λ_max uses the same H(0).
   */
  lambdaMinGram?: { step: number[]; value: number[] };
  status: 'done' | 'diverged' | 'aborted';
  /** Steps actually taken; the net holds W(stepsRun). */
  stepsRun: number;
  /** Which step form ran. */
  method: 'kernel' | 'primal';
  /** With options.modes: the projections on H∞'s eigenmodes, their kernel-regime prediction and fitted rates. */
  modes?: TrainModes;
  /** With options.weightDistanceFrobenius: ‖W(stepsRun) − W(0)‖_F (float64 sum over the float32 weights). */
  weightDistanceFrobenius?: number;
  /** With options.certificates: the proof's quantities per step against their bounds, and a pass/fail summary. */
  certificates?: TrainCertificates;
  /** With options.flow: the step the flow rule chose, the tolerance reached and the time axis t = ηk. */
  flow?: TrainFlow;
  /** Present when status is 'diverged': where, the value that tripped it, and the advice. */
  divergence?: {
    /** The step whose loss was non-finite or past the threshold. */
    step: number;
    /** ‖y − u‖² at that step (may be Infinity or NaN). */
    residualSq: number;
    /** 2/λ_max(H(0)): gradient descent on the linearised model is stable below it. */
    largestStableEta: number;
    message: string;
  };
}
