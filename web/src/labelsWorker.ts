// The label-noise panel's worker (issue 15 §4): one labelNoiseSweep run on the UCI digits for the
// slider's fraction p, off the page's thread. Its own worker, so the main demo's runs are untouched.
import { init, labelNoiseSweep, loadDigits, type LabelNoiseRun } from '../../src/index';

/** Page → worker: one run. */
export interface LabelsRequest { id: number; p: number; n: number; nTest: number; m: number; steps: number; seed: number }

/** Worker → page: the run with what the panel draws, or the error. */
export type LabelsReply =
  | { id: number; type: 'done'; run: LabelNoiseRun; eigenvalues: number[]; eta: number; n: number; nTest: number; seconds: number }
  | { id: number; type: 'error'; message: string };

const ready = init();

self.onmessage = async (event: MessageEvent<LabelsRequest>) => {
  const { id, p, n, nTest, m, steps, seed } = event.data;
  try {
    await ready;
    const started = performance.now();
    const data = await loadDigits({ task: 'evenOdd', n, nTest, seed });
    const result = labelNoiseSweep({ data, noise: [p], m, steps, seed, keepModes: 3 });
    const reply: LabelsReply = {
      id, type: 'done', run: result.runs[0], eigenvalues: result.eigenvalues, eta: result.eta, n: result.n, nTest: result.nTest,
      seconds: (performance.now() - started) / 1000,
    };
    self.postMessage(reply);
  } catch (error) {
    self.postMessage({ id, type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies LabelsReply);
  }
};
