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

/**
 * The bar's ETA: cli-progress reports an unknown one as the strings 'NULL' or 'INF' (its own
 * formatter printed them as "LLs" and "NFs"), and '0' before the first update; show "…" until a
 * rate is known.
 */
export function formatEta(eta: unknown, completed: number): string {
  const seconds = Number(eta);
  if (completed <= 0 || !Number.isFinite(seconds) || seconds < 0) return '…';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.round(seconds)}s`;
}

/** A bar on stderr when stdout is a terminal (quiet otherwise, so logs and pipes stay clean). */
export function createProgress(enabled = Boolean(process.stdout.isTTY && process.stderr.isTTY)): ProgressDisplay {
  if (!enabled) return { enabled, update() {}, note() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    format: (options, params, payload: { task: string; startedAt: number }) => {
      const percentage = Math.floor(params.progress * 100);
      // Elapsed from the first update, not from the last redraw of the bar after a note.
      const elapsed = Math.round((Date.now() - payload.startedAt) / 1000);
      return `${payload.task} |${cliProgress.Format.BarFormat(params.progress, options)}| ${percentage}% | ` +
        `ETA ${formatEta(params.eta, params.value)} | elapsed ${formatEta(elapsed, 1)}`;
    },
    hideCursor: true,
    barsize: 24,
    // Steps of the widest net are the slowest: average the rate over many updates for a steady ETA.
    etaBuffer: 50,
    etaAsynchronousUpdate: true,
    fps: 5,
    // The bar redraws from a saved cursor position: erase it when it stops, so that a note or the
    // summary printed next starts on a clean line and no piece of the bar is left behind (Ctrl-C).
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let last: { total: number; completed: number; task: string } | undefined;
  let startedAt = 0;
  const start = () => { if (last) bar.start(last.total, last.completed, { task: last.task, startedAt }); };
  return {
    enabled,
    update(p) {
      const task = p.phase === 'limit' ? 'H∞ and its eigenvectors'
        : p.phase === 'setup' ? `H(0), m = ${p.m}, trial ${p.trial}`
        : `train m = ${p.m}, trial ${p.trial}, step ${p.step}/${p.steps}`;
      const started = last !== undefined;
      last = { total: p.total, completed: p.completed, task: task.padEnd(36) };
      if (!started) {
        startedAt = Date.now();
        start();
      } else {
        bar.update(p.completed, { task: last.task, startedAt });
      }
    },
    note(text) {
      // Erase the bar, print the note on its own line, and draw the bar again below it.
      if (last) bar.stop();
      process.stderr.write(`${text}\n`);
      start();
    },
    stop() {
      if (last) bar.stop();
      last = undefined;
    },
  };
}
