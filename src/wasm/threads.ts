// Kernel threads over one shared WebAssembly.Memory (DESIGN §4, AssemblyScript's own recipe):
// the main instance owns memory and allocation; each worker instance imports the same memory,
// never allocates, and runs a kernel on a range of outputs (rows, or words of a bit matrix), handing
// back what the kernel returned. Each output is computed by the same instructions in the same
// order as on one thread, so the results are bit-identical for any thread count.
//
// Fork/join is synchronous (a short spin, then Atomics.wait), so train() stays a plain function.
// Browsers forbid Atomics.wait on the page's main thread: there the library runs on one thread
// (run it in a Web Worker, as the demo does, to get threads on a cross-origin-isolated page).

import { OverparamError } from '../errors.js';
import { THREAD_KERNELS, type ThreadKernel } from './kernels.js';

export { THREAD_KERNELS, type ThreadKernel };
const ARGS_PER_JOB = 16;
/**
 * Shared words per thread t at control[4t …]: the sequence number of its latest job (written by
 * the caller; −1 stops the thread), the sequence number of the job it finished last, and 0 when
 * that job succeeded or the byte length + 1 of its error message in `messages`. The fourth is unused.
 */
const CONTROL_WORDS = 4;
/** Bytes of a worker's error message the caller gets back (UTF-8, cut to fit). */
const MESSAGE_BYTES = 1024;
/**
 * Sequence numbers run 1 … SEQUENCE_LIMIT and wrap to 1: they live in Int32 words, and a negative
 * one is the stop signal (at 2 µs a fork/join, 2³¹ jobs are 72 minutes of back-to-back jobs).
 */
const SEQUENCE_LIMIT = 0x7fffffff;
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

/** What a worker posts once it has instantiated the kernels (or failed to). */
type StartReply = 'ready' | { error: string };

/** The UTF-8 message of `length` bytes in thread t's slot (copied out: decoders may refuse shared memory). */
function messageOf(messages: Uint8Array, t: number, length: number): string {
  const bytes = messages.slice(t * MESSAGE_BYTES, t * MESSAGE_BYTES + Math.min(length, MESSAGE_BYTES));
  return new TextDecoder().decode(bytes);
}

/** A pool of kernel threads; thread 0 is the caller. */
export class ThreadPool {
  readonly size: number;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  /** What each thread's kernel returned (0 for none), slot t for job t. */
  private readonly results: Float64Array;
  /** MESSAGE_BYTES a thread: the message of a worker's failed job. */
  private readonly messages: Uint8Array;
  private readonly workers: AnyWorker[];
  private sequence = 0;
  /** True while run() has jobs out: a run started meanwhile (from inside a job) runs on the caller. */
  private running = false;

  private constructor(size: number, control: Int32Array, args: Float64Array, results: Float64Array,
    messages: Uint8Array, workers: AnyWorker[]) {
    this.size = size;
    this.control = control;
    this.args = args;
    this.results = results;
    this.messages = messages;
    this.workers = workers;
  }

  /**
   * Starts `size − 1` workers on the shared-memory module and waits until each is ready. A worker
   * that cannot start (its script does not load, the module does not instantiate) stops the
   * others and rejects with OverparamError THREAD_FAILED carrying the worker's own message.
   * `workerUrl` replaces thread_worker.js beside this module (the inline entry passes its own copy).
   */
  static async start(
    size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, workerUrl?: string | URL,
  ): Promise<ThreadPool> {
    const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS * size));
    const args = new Float64Array(new SharedArrayBuffer(8 * ARGS_PER_JOB * size));
    const results = new Float64Array(new SharedArrayBuffer(8 * size));
    const messages = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES * size));
    const url = workerUrl ?? new URL('./thread_worker.js', import.meta.url);
    const started: AnyWorker[] = [];
    const outcomes = await Promise.allSettled(Array.from({ length: size - 1 }, async (_, t) => {
      const init = {
        module, memory, control, args, results, messages, index: t + 1, kernelNames: [...THREAD_KERNELS],
        argsPerJob: ARGS_PER_JOB, controlWords: CONTROL_WORDS, messageBytes: MESSAGE_BYTES,
      };
      let reply: StartReply;
      if (isNode) {
        const { Worker } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_WORKERS) as typeof import('node:worker_threads');
        const worker = new Worker(url);
        started.push(worker);
        worker.unref(); // an idle pool must not keep Node alive
        reply = await new Promise<StartReply>((resolve) => {
          worker.once('message', resolve);
          worker.once('error', (e) => resolve({ error: `${e.name}: ${e.message}` }));
          worker.once('exit', (code) => resolve({ error: `the worker exited with code ${code} before it was ready` }));
          worker.postMessage(init);
        });
      } else {
        const worker = new Worker(url, { type: 'module' });
        started.push(worker);
        reply = await new Promise<StartReply>((resolve) => {
          worker.onmessage = (e) => resolve(e.data as StartReply);
          worker.onerror = (e) => resolve({ error: e.message || 'the worker script failed to load' });
          worker.onmessageerror = () => resolve({ error: 'the worker could not read its start message' });
          worker.postMessage(init);
        });
      }
      if (reply !== 'ready') throw new Error(reply.error);
      return started[started.length - 1];
    }));
    const failed = outcomes.findIndex((o) => o.status === 'rejected');
    if (failed >= 0) {
      for (const w of started) w.terminate();
      const reason = (outcomes[failed] as PromiseRejectedResult).reason;
      throw new OverparamError('THREAD_FAILED',
        `init: kernel thread ${failed + 1} of ${size} failed to start: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: reason });
    }
    const workers = outcomes.map((o) => (o as PromiseFulfilledResult<AnyWorker>).value);
    return new ThreadPool(size, control, args, results, messages, workers);
  }

  /**
   * Runs `kernel` once per job, job 0 on the calling thread and job t on worker t, and returns
   * what each returned (0 for a void kernel) when all are done. `jobs.length` may be smaller than
   * the pool (small problems). Each job writes its own outputs only, so the jobs of a run may
   * also run one after another on the caller, with the same bits: that is what happens when a
   * run is started while another is out (from inside a job) and for a single job.
   * A job that throws on a worker (a wasm trap) makes run() throw OverparamError THREAD_FAILED
   * with the worker's message, after every job has finished; the pool stays usable.
   */
  run(call: (args: number[]) => number | void, kernel: ThreadKernel, jobs: number[][]): number[] {
    if (jobs.length > this.size) throw new Error(`overparam: ${kernel} was given ${jobs.length} jobs for ${this.size} threads`);
    if (this.running || jobs.length < 2) return jobs.map((job) => call(job) ?? 0);
    const { control, args } = this;
    const sequence = (this.sequence = this.sequence >= SEQUENCE_LIMIT ? 1 : this.sequence + 1);
    const kernelIndex = THREAD_KERNELS.indexOf(kernel);
    this.running = true;
    let mainError: unknown;
    let mainResult = 0;
    let failure: string | undefined;
    try {
      for (let t = 1; t < jobs.length; t++) {
        const base = t * ARGS_PER_JOB;
        args[base] = kernelIndex;
        args[base + 1] = jobs[t].length;
        args.set(jobs[t], base + 2);
        // The store publishes the arguments above (Atomics are sequentially consistent).
        Atomics.store(control, t * CONTROL_WORDS, sequence);
        jitter();
        Atomics.notify(control, t * CONTROL_WORDS);
      }
      jitter();
      try {
        mainResult = call(jobs[0]) ?? 0;
      } catch (error) {
        mainError = error;
      }
      for (let t = 1; t < jobs.length; t++) {
        const doneSlot = t * CONTROL_WORDS + 1;
        const spinEnd = performance.now() + SPIN_MS;
        let done: number;
        while ((done = Atomics.load(control, doneSlot)) !== sequence && performance.now() < spinEnd);
        // Sleep on the value actually seen: a worker left out of the last runs (fewer jobs than
        // threads) holds an older number than sequence − 1, and waiting for that one would
        // return at once and spin for the whole job, taking a core from the worker it waits for.
        while ((done = Atomics.load(control, doneSlot)) !== sequence) Atomics.wait(control, doneSlot, done);
        const messageLength = Atomics.load(control, doneSlot + 1);
        if (messageLength !== 0 && failure === undefined) {
          failure = `overparam: ${kernel} failed on kernel thread ${t} of ${this.size}: ${messageOf(this.messages, t, messageLength - 1)}`;
        }
      }
    } finally {
      this.running = false;
    }
    if (mainError !== undefined) throw mainError;
    if (failure !== undefined) throw new OverparamError('THREAD_FAILED', failure);
    return jobs.map((_, t) => (t === 0 ? mainResult : this.results[t]));
  }

  /** Stops the workers. */
  terminate(): void {
    for (let t = 1; t < this.size; t++) {
      Atomics.store(this.control, t * CONTROL_WORDS, -1);
      Atomics.notify(this.control, t * CONTROL_WORDS);
    }
    for (const w of this.workers) w.terminate();
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * The stress harness's perturbation (see thread_worker.js): a random pause between storing a
 * worker's job number and notifying it (a caller descheduled there), and before the caller's own job.
 */
const JITTER_MS = (isNode && Number(process.env.OVERPARAM_THREAD_JITTER_MS)) || 0;
const jitterCell = JITTER_MS > 0 ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
function jitter(): void {
  if (!jitterCell) return;
  const ms = Math.random() * Math.random() * JITTER_MS;
  if (Math.random() < 0.5) Atomics.wait(jitterCell, 0, 0, ms);
  else for (const end = performance.now() + ms; performance.now() < end;);
}
// Computed specifiers, so browser bundlers leave these Node-only imports alone (as in loader.ts).
const NODE_WORKERS = 'node:worker_threads';
const NODE_OS = 'node:os';

/**
 * How many threads this environment can use: shared memory must exist and the calling thread must
 * be allowed to block (Node, or a Web Worker on a cross-origin-isolated page).
 */
export async function threadsAvailable(): Promise<number> {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 1;
  if (isNode) return coresAvailable();
  const scope = globalThis as { crossOriginIsolated?: boolean; document?: unknown; navigator?: { hardwareConcurrency?: number } };
  if (!scope.crossOriginIsolated || scope.document !== undefined) return 1;
  return scope.navigator?.hardwareConcurrency ?? 1;
}

/**
 * The machine's core count (Node: os.availableParallelism(); a browser: navigator.hardwareConcurrency),
 * whether or not threads can run here: what init() measures a requested thread count against.
 */
export async function coresAvailable(): Promise<number> {
  if (isNode) {
    const os = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_OS) as typeof import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/**
 * The most threads init() accepts on `cores` cores: four a core, at least 8, so that tests can
 * oversubscribe a small machine; each thread is a worker with its own instance of the kernels
 * (about 10 MB and 35 ms to start), and 256 of them on 2 cores took 9 s and 2.5 GB.
 */
export function maxThreads(cores: number): number {
  return Math.max(8, 4 * cores);
}
