// Worker thread of the CLI: runs widthSweep off the main thread, so that the main thread stays free
// to draw the progress bar and to receive Ctrl-C (a signal handler never runs while JS is busy).
// The main thread asks for a stop through a shared flag, which this thread reads after every step.
import { parentPort, workerData } from 'node:worker_threads';
import { init } from '../index.js';
import { widthSweep, type SweepProgress, type WidthRun, type WidthSweepOptions, type WidthSweepResult } from '../experiments/index.js';

/** What the main thread sends (workerData). */
export interface SweepRequest {
  options: Omit<WidthSweepOptions, 'onProgress' | 'onRunFinished' | 'signal'>;
  /** Int32Array over it; entry 0 becomes 1 when the main thread wants to stop. */
  stopFlag: SharedArrayBuffer;
}

/** What this thread posts back. */
export type SweepMessage =
  | { type: 'progress'; progress: SweepProgress }
  | { type: 'run'; run: WidthRun }
  | { type: 'result'; result: WidthSweepResult }
  | { type: 'error'; name: string; message: string; code?: string };

const port = parentPort!;
const { options, stopFlag } = workerData as SweepRequest;
const stop = new Int32Array(stopFlag);
const controller = new AbortController();

try {
  await init();
  const result = widthSweep({
    ...options,
    signal: controller.signal,
    onProgress: (progress) => {
      if (Atomics.load(stop, 0) === 1) controller.abort();
      port.postMessage({ type: 'progress', progress } satisfies SweepMessage);
    },
    onRunFinished: (run) => port.postMessage({ type: 'run', run } satisfies SweepMessage),
  });
  port.postMessage({ type: 'result', result } satisfies SweepMessage);
} catch (error) {
  const e = error as Error & { code?: string };
  port.postMessage({ type: 'error', name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) } satisfies SweepMessage);
}
