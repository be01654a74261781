// The public types of train(): its options, what it reports after each step, and its result.
/** What {@link train} reports after each step. */
export interface StepInfo {
  /** k: the state W(k) these numbers describe (0 = initial). */
  step: number;
  residualSq: number;
  patternChangeFraction: number;
  maxWeightDistance: number;
  /** λ_min(H(k)) when this step is on the gramEvery grid. */
  lambdaMinGram?: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Step size η > 0. */
  eta: number;
  /** Number of GD steps (a non-negative integer). */
  steps: number;
  /** Also train the output weights a (joint training); the paper keeps a fixed. */
  trainOutputLayer?: boolean;
  /** 'sum' = ½Σ(u−y)² (eq. 2, the paper's, default); 'mean' divides it by n (seed 003). */
  loss?: 'sum' | 'mean';
  /** Record λ_min(H(k)) every this many steps (and at the last step). */
  gramEvery?: number;
  /** Called with each step's numbers, k = 0..steps. */
  onStep?: (info: StepInfo) => void;
  /** Stops training within one step; the result has status 'aborted'. */
  signal?: AbortSignal;
  /** 'auto' (default) picks kernel space when n ≤ 2d, else primal. */
  method?: 'auto' | 'kernel' | 'primal';
  /** Divergence threshold: stop when ‖y − u(k)‖² exceeds this factor times ‖y − u(0)‖² (default 1e6). */
  divergenceFactor?: number;
}

/** The trajectories of a run, indexed k = 0..stepsRun (k = 0 is the initial state). */
export interface TrainResult {
  /** ‖y − u(k)‖². */
  residualSq: Float64Array;
  /** Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)} / (nm). */
  patternChangeFraction: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖₂. */
  maxWeightDistance: Float64Array;
  /** λ_min(H(k)) at the recorded steps (when gramEvery is set). */
  lambdaMinGram?: { step: number[]; value: number[] };
  status: 'done' | 'diverged' | 'aborted';
  /** Steps actually taken; the net holds W(stepsRun). */
  stepsRun: number;
  /** Which step form ran. */
  method: 'kernel' | 'primal';
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
