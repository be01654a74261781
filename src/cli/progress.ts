// The progress bar (cli-progress) with an ETA; nothing at all when stdout is not a terminal.
import cliProgress from 'cli-progress';
import type { SweepProgress } from '../experiments/index.js';

/** A progress display for a sweep; every method is a no-op when it is disabled. */
export interface ProgressDisplay {
  /** Whether a bar is shown (a terminal); when not, the commands log one line per finished run instead. */
  readonly enabled: boolean;
  update(progress: SweepProgress): void;
  /** A one-line note under the bar (e.g. "stopping…"). */
  note(text: string): void;
  stop(): void;
}

/** A bar on stderr when stdout is a terminal (quiet otherwise, so logs and pipes stay clean). */
export function createProgress(enabled = Boolean(process.stdout.isTTY && process.stderr.isTTY)): ProgressDisplay {
  if (!enabled) return { enabled, update() {}, note() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: '{task} |{bar}| {percentage}% | ETA {eta_formatted} | elapsed {duration_formatted}',
    hideCursor: true,
    barsize: 24,
    // Steps of the widest net are the slowest: average the rate over many updates for a steady ETA.
    etaBuffer: 50,
    etaAsynchronousUpdate: true,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    enabled,
    update(p) {
      const task = p.phase === 'limit' ? 'H∞ and its eigenvectors'
        : p.phase === 'setup' ? `H(0), m = ${p.m}, trial ${p.trial}`
        : `train m = ${p.m}, trial ${p.trial}, step ${p.step}/${p.steps}`;
      const payload = { task: task.padEnd(36) };
      if (!started) {
        bar.start(p.total, p.completed, payload);
        started = true;
      } else {
        bar.update(p.completed, payload);
      }
    },
    note(text) {
      process.stderr.write(`\n${text}\n`);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
