// Kernel threads over one shared WebAssembly.Memory (DESIGN §4, AssemblyScript's own recipe):
// the main instance owns memory and allocation; each worker instance imports the same memory,
// never allocates, and runs a kernel on a range of outputs (rows, or words of a bit matrix), handing
// back what the kernel returned. Each output is computed by the same instructions in the same
// order as on one thread, so the results are bit-identical for any thread count.
//
// Fork/join is synchronous (a short spin, then Atomics.wait), so train() stays a plain function.
// Browsers forbid Atomics.wait on the page's main thread: there the library runs on one thread
// (run it in a Web Worker, as the demo does, to get threads on a cross-origin-isolated page).

/** Kernels a worker can run; the index is what travels through shared memory. */
export const THREAD_KERNELS = [
  'rowCombine', 'gemmNT', 'maskedRowSum', 'maskedRowSumByTables', 'gramFromMaskRows', 'rowMaskWordsFromPreactivations',
  'choleskyPanelUpdate', 'forwardColumns', 'accumulateCoefficients', 'maxDistanceFromCoefficients', 'maxRowDistance',
  'outputLayerGradient', 'linearKernelRows', 'householderPassRows', 'gemmSubtractNN',
] as const;
export type ThreadKernel = (typeof THREAD_KERNELS)[number];
const ARGS_PER_JOB = 16;
/**
 * Milliseconds the caller watches a worker's done flag before it sleeps on it; workers watch for
 * their next job as long (thread_worker.js). Waking a sleeping thread made a fork/join of empty
 * jobs, back to back, take about 60 µs on the 2-vCPU bench machine; with the watch, 2 µs. Half a
 * millisecond outlasts the gap between two jobs of the Householder reduction (one part's lead
 * over the other plus the step's serial work, tens of µs, more when the VM is busy), so a worker
 * sleeps only when no job follows; then the watch has cost at most this much of a core.
 */
const SPIN_MS = 0.5;

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** A pool of kernel threads; thread 0 is the caller. */
export class ThreadPool {
  readonly size: number;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  /** What each thread's kernel returned (0 for none), slot t for job t. */
  private readonly results: Float64Array;
  private readonly workers: AnyWorker[];
  private sequence = 0;

  private constructor(size: number, control: Int32Array, args: Float64Array, results: Float64Array, workers: AnyWorker[]) {
    this.size = size;
    this.control = control;
    this.args = args;
    this.results = results;
    this.workers = workers;
  }

  /**
   * Starts `size − 1` workers on the shared-memory module and waits until each is ready.
   * `workerUrl` replaces thread_worker.js beside this module (the inline entry passes its own copy).
   */
  static async start(
    size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, workerUrl?: string | URL,
  ): Promise<ThreadPool> {
    const control = new Int32Array(new SharedArrayBuffer(4 * 4 * size));
    const args = new Float64Array(new SharedArrayBuffer(8 * ARGS_PER_JOB * size));
    const results = new Float64Array(new SharedArrayBuffer(8 * size));
    const url = workerUrl ?? new URL('./thread_worker.js', import.meta.url);
    const workers = await Promise.all(Array.from({ length: size - 1 }, async (_, t) => {
      const init = {
        module, memory, control, args, results, index: t + 1, kernelNames: [...THREAD_KERNELS], argsPerJob: ARGS_PER_JOB,
      };
      if (isNode) {
        const { Worker } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKERS) as typeof import('node:worker_threads');
        const worker = new Worker(url);
        worker.unref(); // an idle pool must not keep Node alive
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.postMessage(init);
        });
        return worker;
      }
      const worker = new Worker(url, { type: 'module' });
      await new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (e) => reject(new Error(`overparam: a kernel thread failed to start: ${e.message}`));
        worker.postMessage(init);
      });
      return worker;
    }));
    return new ThreadPool(size, control, args, results, workers);
  }

  /**
   * Runs `kernel` once per job, job 0 on the calling thread and job t on worker t, and returns
   * what each returned (0 for a void kernel) when all are done. `jobs.length` may be smaller than
   * the pool (small problems).
   */
  run(call: (args: number[]) => number | void, kernel: ThreadKernel, jobs: number[][]): number[] {
    const { control, args } = this;
    const sequence = ++this.sequence;
    const kernelIndex = THREAD_KERNELS.indexOf(kernel);
    for (let t = 1; t < jobs.length; t++) {
      const base = t * ARGS_PER_JOB;
      args[base] = kernelIndex;
      args[base + 1] = jobs[t].length;
      args.set(jobs[t], base + 2);
      Atomics.store(control, t * 4, sequence);
      Atomics.notify(control, t * 4);
    }
    let mainError: unknown;
    let mainResult = 0;
    try {
      if (jobs.length) mainResult = call(jobs[0]) ?? 0;
    } catch (error) {
      mainError = error;
    }
    let workerFailed = false;
    for (let t = 1; t < jobs.length; t++) {
      const spinEnd = performance.now() + SPIN_MS;
      while (Atomics.load(control, t * 4 + 1) !== sequence && performance.now() < spinEnd);
      while (Atomics.load(control, t * 4 + 1) !== sequence) Atomics.wait(control, t * 4 + 1, sequence - 1);
      if (Atomics.load(control, t * 4 + 2) !== 0) workerFailed = true;
    }
    if (mainError) throw mainError;
    if (workerFailed) throw new Error(`overparam: ${kernel} failed on a worker thread`);
    return jobs.map((_, t) => (t === 0 ? mainResult : this.results[t]));
  }

  /** Stops the workers. */
  terminate(): void {
    for (let t = 1; t < this.size; t++) {
      Atomics.store(this.control, t * 4, -1);
      Atomics.notify(this.control, t * 4);
    }
    for (const w of this.workers) w.terminate();
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
// Computed specifiers, so browser bundlers leave these Node-only imports alone (as in loader.ts).
const NODE_WORKERS = 'node:worker_threads';
const NODE_OS = 'node:os';

/**
 * How many threads this environment can use: shared memory must exist and the calling thread must
 * be allowed to block (Node, or a Web Worker on a cross-origin-isolated page).
 */
export async function threadsAvailable(): Promise<number> {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 1;
  if (isNode) {
    const os = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_OS) as typeof import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const scope = globalThis as { crossOriginIsolated?: boolean; document?: unknown; navigator?: { hardwareConcurrency?: number } };
  if (!scope.crossOriginIsolated || scope.document !== undefined) return 1;
  return scope.navigator?.hardwareConcurrency ?? 1;
}
