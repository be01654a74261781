// `npx tsx bench/optimizers_only.ts [n d m rounds]`: only bench/workloads/optimizers.ts (issue 13 §5):
// GD, heavy ball, Nesterov, SGD b = n/8 and b = 10 at the paper's size by default, interleaved
// rounds in one process, so the ratios to GD are comparable even on a loaded machine.
import os from 'node:os';
import { init, threadCount } from '../src/index.js';
import { benchOptimizers } from './workloads/optimizers.js';

const [n = 1000, d = 1000, m = 10_000, rounds = 5] = process.argv.slice(2).map(Number);
await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()) });
const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const before = load();
const r = await benchOptimizers({ n, d, m, rounds, log: (s) => process.stderr.write(`[bench] ${s}\n`) });
console.log(`${threadCount()} thread(s), ${rounds} interleaved rounds; load average ${before} before, ${load()} after`);
for (const row of r.rows) console.log(`${row.implementation}: median ${row.timing!.median.toFixed(1)} ms${row.note ? ` (${row.note})` : ''}`);
