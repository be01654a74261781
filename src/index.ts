// The public API. Everything else under src/ is internal.
import { loadKernels } from './wasm/loader.js';
import { warmUp } from './warm_up.js';
import { coresAvailable, maxThreads, threadsAvailable } from './wasm/threads.js';

export { setWasmPath, threadCount, relaxedSimdActive } from './wasm/loader.js';
export type { Matrix } from './matrix.js';
import { checkInteger } from './matrix.js';
import { OverparamRangeError } from './errors.js';
export { OverparamError, OverparamTypeError, OverparamRangeError, type ErrorCode } from './errors.js';
export { sphereData } from './data.js';
export { loadDigits, withLabelNoise, DIGITS_TRAIN_ROWS, DIGITS_TEST_ROWS, type LoadDigitsOptions, type DigitsTask, type DigitsSet, type DigitsData, type LabelNoise } from './digits.js';
export { readIdx, type IdxArray, type IdxType } from './idx.js';
export { TwoLayerNet, type RandomNetOptions, type FromWeightsOptions, type NetModelOptions } from './network.js';
export type { OutputInit, Scaling } from './parametrisation.js';
export { gramInfinity, inputDiagnostics, type InputDiagnostics, type GramInfinityOptions } from './kernels.js';
export { ACTIVATIONS, DEFAULT_NEGATIVE_SLOPE, type Activation, type KernelPart } from './activations.js';
export {
  eigh, eigvalsh, lambdaMin, lambdaMax, extremeEigenvalues, spectralNormOfDifference,
  type Eigendecomposition, type EigenMethod, type EigenOptions, type ExtremeEigenvalues,
} from './spectra.js';
export {
  train, estimateTrainingBytes, type TrainOptions, type TrainResult, type StepInfo, type ModeOptions, type TrainModes, type Optimizer,
  type CertificateOptions, type CertificateCheck, type GramCertificates, type TrainCertificates,
  type FlowOptions, type FlowTrainOptions, type TrainFlow,
} from './training.js';
export { setMemoryLimit, memoryInUse } from './wasm/memory.js';

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Kernel threads (the caller plus `threads − 1` workers on one shared WebAssembly.Memory), used
   * where shared memory and blocking are allowed (Node; a Web Worker on a cross-origin-isolated
   * page), else 1. Default: every available core there (in Node, OVERPARAM_THREADS overrides the
   * default). Results are bit-identical for any thread count. At most 4 × the core count (at
   * least 8): more throws OverparamRangeError BAD_VALUE (so does such an OVERPARAM_THREADS).
   */
  threads?: number;
  /**
   * Load the relaxed-SIMD build (fused multiply-adds in the GEMM-class kernels) when the engine
   * runs relaxed SIMD (Chromium by default; Node 20 with --experimental-wasm-relaxed-simd), else the
   * default build. Its numbers differ from the default build's by float32 round-off and may differ
   * between machines; the default build (false) is bit-identical everywhere. Default: false (in
   * Node, OVERPARAM_RELAXED_SIMD=1 turns it on). relaxedSimdActive() says which build loaded.
   */
  relaxedSimd?: boolean;
}

/**
 * Loads the WebAssembly kernels (and starts the kernel threads), then runs them once on small
 * problems so that the first big call already gets V8's optimised code (see src/warm_up.ts).
 * Idempotent: await it once before anything else; later calls, whatever their options, return the
 * same setup.
 */
export async function init(options: InitOptions = {}): Promise<void> {
  if (options.threads !== undefined) await checkThreadCount(options.threads, 'init: threads');
  await loadKernels(options.threads ?? await defaultThreadsFromEnvironment() ?? await threadsAvailable(),
    options.relaxedSimd ?? relaxedSimdFromEnvironment());
  if (!warmedUp) {
    warmedUp = true;
    warmUp();
  }
}

/** Whether init() has run the kernels once on small problems (src/warm_up.ts). */
let warmedUp = false;

/** OVERPARAM_RELAXED_SIMD=1 in Node's environment: lets a test suite run on the relaxed build. */
function relaxedSimdFromEnvironment(): boolean {
  return typeof process !== 'undefined' && process.env?.OVERPARAM_RELAXED_SIMD === '1';
}

/** OVERPARAM_THREADS in Node's environment, when set: lets a test suite or a user pin the default. */
async function defaultThreadsFromEnvironment(): Promise<number | undefined> {
  const value = typeof process !== 'undefined' ? process.env?.OVERPARAM_THREADS : undefined;
  if (value === undefined || value === '') return undefined;
  const threads = Number(value);
  await checkThreadCount(threads, 'init: OVERPARAM_THREADS');
  return threads;
}

/**
 * Refuses thread counts above maxThreads(cores) (4 a core, at least 8) before any worker starts:
 * each is a worker with its own instance of the kernels, and 256 of them on 2 cores took 9 s and 2.5 GB.
 */
async function checkThreadCount(threads: unknown, name: string): Promise<void> {
  checkInteger(threads, name);
  const cores = await coresAvailable();
  const cap = maxThreads(cores);
  if (threads > cap) {
    throw new OverparamRangeError('BAD_VALUE',
      `${name} must be at most ${cap} (4 × the ${cores} available core${cores === 1 ? '' : 's'}, at least 8; ` +
      `each thread is a worker with its own copy of the kernels), got ${threads}`);
  }
}

export * from './experiments/index.js';
