// `overparam width`: the critical-width sweep, whole or one shard of it. Each shard runs its n
// values whole (the search at one n is adaptive, so n is the unit of work) and writes
// shard-<i>-of-<N>.json with the points and timing-<i>-of-<N>.json with wall times; the whole
// sweep (one shard of one) also writes the results, the chart and the report.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { criticalWidth, init, type CriticalWidthPoint } from '../index.js';
import { formatNumber as format } from '../experiments/format.js';
import { environment } from './results.js';
import { parseWidthArgs, shardValues, WIDTH_USAGE, type WidthGrid, type Shard } from './widthArgs.js';
import {
  fitOf, shardFileName, timingFileName, writeWidthOutputs, type WidthShardFile,
} from './widthOutputs.js';
import { toJson } from './files.js';

const EXIT = { ok: 0, interrupted: 130, terminated: 143 } as const;

/** Runs the grid's n values of `shard`; undefined when stopped by a signal. */
async function runShard(grid: WidthGrid, shard: Shard, signal: AbortSignal): Promise<{ points: CriticalWidthPoint[]; seconds: Record<string, number> } | undefined> {
  const points: CriticalWidthPoint[] = [];
  const seconds: Record<string, number> = {};
  for (const n of shardValues(grid.n, shard)) {
    const started = Date.now();
    let lastM = -1;
    const result = criticalWidth({
      n: [n], d: grid.d, trials: grid.trials, steps: grid.steps, seed: grid.seed, gramEvery: grid.gramEvery,
      passFraction: grid.passFraction, relativeTolerance: grid.relativeTolerance, maxWidth: grid.maxWidth, delta: grid.delta,
      signal,
      onProgress: (p) => {
        if (p.m !== lastM && p.step === 0 && p.trial === 0) {
          lastM = p.m;
          console.log(`n = ${n}: trying m = ${p.m} (${p.evaluations + 1}${p.evaluations === 0 ? 'st' : p.evaluations === 1 ? 'nd' : p.evaluations === 2 ? 'rd' : 'th'} width)`);
        }
      },
    });
    if (result.status === 'aborted') return undefined;
    const point = result.points[0];
    seconds[String(n)] = (Date.now() - started) / 1000;
    console.log(`n = ${n}, d = ${point.d}: m* = ${point.criticalWidth ?? `none up to ${grid.maxWidth}`}` +
      (point.failingWidth !== null ? ` (fails at m = ${point.failingWidth}: ${point.binds === 'both' ? 'both conclusions' : point.binds === 'gram' ? 'λ_min(H(k)) ≥ λ0/2' : 'the rate'} binds)` : '') +
      `; λ0 = ${format(point.lambda0)}, η = ${format(point.eta)}, ${point.evaluations.length} widths tried, ${format(seconds[String(n)], 3)} s`);
    points.push(point);
  }
  return { points, seconds };
}

/** `overparam width …`: see {@link WIDTH_USAGE}. Returns the exit code. */
export async function widthCommand(argv: string[]): Promise<number> {
  const { grid, shard, out, help } = parseWidthArgs(argv);
  if (help) {
    console.log(WIDTH_USAGE);
    return EXIT.ok;
  }
  await init();
  const mine = shardValues(grid.n, shard);
  console.log(`overparam width: n = ${grid.n.join(', ')}, ${grid.d === 'n' ? 'd = n' : `d = ${grid.d}`}, ${grid.trials} trials, ${grid.steps} steps` +
    (shard.count > 1 ? `; shard ${shard.index}/${shard.count} (${shard.source}): n = ${mine.join(', ') || 'none'}` : '') + ` → ${out}`);
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stoppedBy) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
    stoppedBy = signal;
    console.log('stopping after the current step (a second signal quits at once); nothing is written');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const startedAt = new Date();
  let run: Awaited<ReturnType<typeof runShard>>;
  try {
    run = await runShard(grid, shard, controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!run) return stoppedBy === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;

  await mkdir(out, { recursive: true });
  const shardFile: WidthShardFile = {
    format: 'overparam-width-shard/1', grid, shard: { index: shard.index, count: shard.count }, n: mine, points: run.points,
  };
  const timing = {
    shard: { index: shard.index, count: shard.count, source: shard.source }, startedAt: startedAt.toISOString(), wallSeconds,
    secondsPerN: run.seconds, host: os.hostname(), environment: environment(),
  };
  const written = [shardFileName(shard), timingFileName(shard)];
  await writeFile(path.join(out, timingFileName(shard)), toJson(timing), 'utf8');
  await writeFile(path.join(out, shardFileName(shard)), toJson(shardFile), 'utf8');
  if (shard.count === 1) written.push(...await writeWidthOutputs(out, grid, run.points));
  const fit = shard.count === 1 ? fitOf(run.points) : undefined;
  if (fit) {
    console.log(`fit: m* ∝ n^${format(fit.slope)}, 95% interval [${format(fit.slopeInterval[0])}, ${format(fit.slopeInterval[1])}]`);
  }
  console.log(`wrote ${written.join(', ')} to ${path.resolve(out)} in ${format(wallSeconds, 3)} s` +
    (shard.count > 1 ? `; combine the ${shard.count} shards with 'overparam merge <dirs…> --out <dir>'` : ''));
  return EXIT.ok;
}
