// How long the rest of a run will take, from the step times the worker measured.

/** What has been measured of the width being trained. */
export interface StepTiming {
  /** Width of each of the run's networks, in training order, and the index being trained. */
  widths: readonly number[];
  current: number;
  /** Steps per width, and the last step of the current width measured so far (≥ 1 to estimate). */
  steps: number;
  lastStep: number;
  /** Seconds from the current width's start to its step 0, and from step 0 to `lastStep`. */
  setupSeconds: number;
  stepSeconds: number;
}

/**
 * Seconds left in the run, or undefined before a step has been timed. The current width's mean
 * step time so far stands for its remaining steps; a later width is assumed to cost m′/m times as
 * much (a step is O(n·d·m)), setup included.
 */
export function remainingSeconds(t: StepTiming): number | undefined {
  if (!(t.lastStep >= 1) || !(t.stepSeconds >= 0)) return undefined;
  const perStep = t.stepSeconds / t.lastStep;
  const m = t.widths[t.current];
  let seconds = (t.steps - t.lastStep) * perStep;
  for (let w = t.current + 1; w < t.widths.length; w++) {
    seconds += (Math.max(0, t.setupSeconds) + t.steps * perStep) * (t.widths[w] / m);
  }
  return seconds;
}

/** “40 s”, “12 min”, “2 h 47 min”. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
