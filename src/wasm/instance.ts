// The loaded core and its threads: state set once by loader.ts, read by every wrapper. Kept apart
// from loader.ts so that parallel.ts (whose householderParallelPass the loader hands to the core as
// an import) can read it without importing the loader back.
import type { KernelExports } from './kernels.js';
import { OverparamError } from '../errors.js';
import type { ThreadPool } from './threads.js';

let instance: KernelExports | undefined;
let pool: ThreadPool | undefined;

/** Called by loadKernels() once the core is instantiated (and its threads, if any, started). */
export function setInstance(exports: KernelExports, threads: ThreadPool | undefined): void {
  instance = exports;
  pool = threads;
}

/** Whether the core is loaded. */
export function isLoaded(): boolean {
  return instance !== undefined;
}

/** The kernel threads, when init() started more than one. */
export function threadPool(): ThreadPool | undefined {
  return pool;
}

/** The number of threads the kernels run on (1 until init() started more). */
export function threadCount(): number {
  return pool?.size ?? 1;
}

/** The instantiated kernels; throws a clear error when init() has not finished. */
export function kernels(): KernelExports {
  if (!instance) throw new OverparamError('NOT_INITIALISED', 'overparam: call `await init()` before using the library');
  return instance;
}
