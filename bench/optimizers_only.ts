// `npx tsx bench/optimizers_only.ts [n d m rounds]`: only bench/workloads/optimizers.ts (issue 13 §5).
import os from 'node:os';
import { init, threadCount } from '../src/index.js';
import { benchOptimizers } from './workloads/optimizers.js';

const [n = 1000, d = 1000, m = 10_000, rounds = 5] = process.argv.slice(2).map(Number);
await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()) });
const r = await benchOptimizers({ n, d, m, rounds, log: (s) => process.stderr.write(`[bench] ${s}\n`) });
console.log(`${threadCount()} thread(s)`);
for (const row of r.rows) console.log(`${row.implementation}: median ${row.timing!.median.toFixed(1)} ms${row.note ? ` (${row.note})` : ''}`);
