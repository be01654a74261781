// Starts the sweep worker and turns its messages into a promise, progress callbacks and a stop switch.
import { Worker } from 'node:worker_threads';
import type { SweepProgress, WidthRun, WidthSweepResult } from '../experiments/index.js';
import type { SweepMessage, SweepRequest } from './sweepWorker.js';

/** An error raised inside the worker, with the library's error name and code kept. */
class WorkerError extends Error {
  readonly code?: string;
  constructor(name: string, message: string, code?: string) {
    super(message);
    this.name = name;
    this.code = code;
  }
}

function startWorker(request: SweepRequest): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./sweepWorker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(url, { workerData: request });
  // Running from the TypeScript sources (npx tsx src/cli/main.ts, the tests): the worker needs
  // tsx's loader too, which does not pass to workers by itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: request });
}

/**
 * Runs widthSweep(options) in a worker thread. Aborting `signal` stops the sweep after the current
 * GD step; the promise then resolves with what was finished (status 'aborted').
 */
export function runSweepInWorker(
  options: SweepRequest['options'],
  { onProgress, onRunFinished, signal }: {
    onProgress?: (progress: SweepProgress) => void; onRunFinished?: (run: WidthRun) => void; signal?: AbortSignal;
  } = {},
): Promise<WidthSweepResult> {
  const stopFlag = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopFlag);
  const worker = startWorker({ options, stopFlag });
  const requestStop = () => Atomics.store(stop, 0, 1);
  if (signal?.aborted) requestStop();
  signal?.addEventListener('abort', requestStop, { once: true });
  return new Promise<WidthSweepResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: SweepMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'run') onRunFinished?.(message.run);
      else if (message.type === 'result') { settled = true; resolve(message.result); }
      else { settled = true; reject(new WorkerError(message.name, message.message, message.code)); }
    });
    worker.on('error', (error) => { settled = true; reject(error); });
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', requestStop);
      if (!settled) reject(new Error(`the sweep worker exited with code ${code} before finishing`));
    });
  });
}
