// Timing on a shared, noisy machine: tinybench takes the samples, but the tasks of one comparison
// are interleaved round by round (ours, peer, ours, peer, …), so a burst of load from another
// process lands on every contender instead of on whichever happened to be running. Reported
// numbers are medians over all rounds.
import { Bench } from 'tinybench';

/** One contender of a comparison. */
export interface TimedTask {
  name: string;
  fn: () => unknown;
  /** Samples per round (default 1). */
  perRound?: number;
  /** Skip the task after this many rounds (slow peers: fewer samples than the rest). */
  maxRounds?: number;
  /** One untimed call first (default true; false for peers that take seconds a call). */
  warmup?: boolean;
}

/** Summary of a task's samples, in milliseconds. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  samples: number;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summarises raw samples (ms). */
export function summarise(samples: readonly number[]): Timing {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: samples.length };
}

/**
 * Times `tasks` in `rounds` interleaved rounds after one untimed warm-up call each (JIT tier-up,
 * first-touch page faults); each round takes `perRound` tinybench samples of every task.
 * Returns each task's timing by name.
 */
export async function interleaved(tasks: readonly TimedTask[], rounds: number): Promise<Map<string, Timing>> {
  const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (const task of tasks) if (task.warmup ?? true) task.fn();
  for (let round = 0; round < rounds; round++) {
    for (const task of tasks) {
      if (round >= (task.maxRounds ?? Infinity)) continue;
      const bench = new Bench({
        iterations: task.perRound ?? 1, time: 0, warmupIterations: 0, warmupTime: 0, retainSamples: true,
      });
      bench.add(task.name, task.fn, { async: false });
      await bench.run();
      const result = bench.getTask(task.name)?.result;
      if (!result || result.state !== 'completed') throw new Error(`bench: ${task.name} did not complete (${result?.state})`);
      samples.get(task.name)!.push(...(result.latency.samples ?? [result.latency.p50]));
    }
  }
  return new Map(tasks.map((t) => [t.name, summarise(samples.get(t.name)!)]));
}

/** A rate in billions per second (GFLOP/s, GB/s, …): `amount` units done in `milliseconds`. */
export function gigaPerSecond(amount: number, milliseconds: number): number {
  return amount / milliseconds / 1e6;
}
