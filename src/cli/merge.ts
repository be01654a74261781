// `overparam merge`: combines the shards of one `overparam width` sweep into the files the
// unsharded run writes, byte for byte (the points are the only input, ordered by the grid's n), and
// collects the shards' timings into timing.json.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './args.js';
import { MERGE_USAGE, parseMergeArgs, shardValues } from './widthArgs.js';
import { fitOf, writeWidthOutputs, type WidthShardFile } from './widthOutputs.js';
import { formatNumber as format } from '../experiments/format.js';
import { toJson } from './files.js';

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.json$/;

/** Every shard file in `dirs`, parsed, with the path it came from. */
async function readShards(dirs: string[]): Promise<{ file: string; shard: WidthShardFile; timing?: unknown }[]> {
  const found: { file: string; shard: WidthShardFile; timing?: unknown }[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      throw new UsageError(`cannot read directory '${dir}' (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    for (const name of names.filter((f) => SHARD_FILE.test(f)).sort()) {
      const file = path.join(dir, name);
      const shard = JSON.parse(await readFile(file, 'utf8')) as WidthShardFile;
      if (shard.format !== 'overparam-width-shard/1') throw new UsageError(`${file}: not an overparam width shard file`);
      const timingName = name.replace(/^shard-/, 'timing-');
      const timing = await readFile(path.join(dir, timingName), 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined);
      found.push({ file, shard, timing });
    }
  }
  return found;
}

/**
 * Checks that the shards are the whole of one sweep: one grid, one shard count, every index once,
 * each with exactly the n values its index owns; returns the grid and every point.
 */
export function combineShards(shards: { file: string; shard: WidthShardFile }[]): Pick<WidthShardFile, 'grid' | 'points'> {
  if (shards.length === 0) throw new UsageError('no shard-<i>-of-<N>.json files found in the given directories');
  const first = shards[0];
  const gridText = JSON.stringify(first.shard.grid);
  const count = first.shard.shard.count;
  const seen = new Map<number, string>();
  for (const { file, shard } of shards) {
    if (JSON.stringify(shard.grid) !== gridText) {
      throw new UsageError(`${file} belongs to another sweep than ${first.file} (their settings differ)`);
    }
    if (shard.shard.count !== count) throw new UsageError(`${file} is one of ${shard.shard.count} shards, ${first.file} one of ${count}`);
    const earlier = seen.get(shard.shard.index);
    if (earlier !== undefined) throw new UsageError(`shard ${shard.shard.index} of ${count} appears twice: ${earlier} and ${file}`);
    seen.set(shard.shard.index, file);
    const expected = shardValues(shard.grid.n, shard.shard);
    const got = shard.points.map((p) => p.n);
    if (JSON.stringify(expected) !== JSON.stringify(got)) {
      throw new UsageError(`${file}: shard ${shard.shard.index} of ${count} should hold n = ${expected.join(', ')}, holds ${got.join(', ') || 'none'}`);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UsageError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
  return { grid: first.shard.grid, points: shards.flatMap((s) => s.shard.points) };
}

/** `overparam merge <dirs…> --out <dir>`: see {@link MERGE_USAGE}. Returns the exit code. */
export async function mergeCommand(argv: string[]): Promise<number> {
  const { dirs, out, help } = parseMergeArgs(argv);
  if (help) {
    console.log(MERGE_USAGE);
    return 0;
  }
  const shards = await readShards(dirs);
  const { grid, points } = combineShards(shards);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'timing.json'), toJson({
    shards: shards.map((s) => ({ file: s.file, timing: s.timing ?? null })),
  }), 'utf8');
  const files = await writeWidthOutputs(out, grid, points);
  const fit = fitOf(points);
  console.log(`merged ${shards.length} shard${shards.length === 1 ? '' : 's'} (n = ${grid.n.join(', ')})` +
    (fit ? `; fit m* ∝ n^${format(fit.slope)}, 95% interval [${format(fit.slopeInterval[0])}, ${format(fit.slopeInterval[1])}]` : '') +
    `; wrote ${files.join(', ')}, timing.json to ${path.resolve(out)}`);
  return 0;
}
