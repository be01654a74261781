// Run by threads.test.ts in a child process with OVERPARAM_THREAD_JITTER_MS set (read when the
// pool's modules load): many back-to-back runs of tiny jobs of a kernel that is not idempotent
// (S += …), each checked bit for bit against one thread, so that a job run twice shows. Prints
// {"threads", "runs", "bad"}: the runs whose output differed.
import { readFileSync } from 'node:fs';
import { ThreadPool } from '../../src/wasm/threads';

const size = Number(process.argv[2]), runs = Number(process.argv[3]);
const module = await WebAssembly.compile(readFileSync(new URL('../../build/overparam-shared.wasm', import.meta.url)));
const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
const { exports } = await WebAssembly.instantiate(module, {
  env: { memory, abort() { throw new Error('abort'); }, householderParallelPass() { throw new Error('no fork here'); } },
});
type Kernels = { alloc(bytes: number): number; accumulateCoefficients(...a: number[]): void };
const k = exports as unknown as Kernels;
const pool = await ThreadPool.start(size, module, memory);
const m = 16 * size, n = 20;
const S = k.alloc(4 * m * n), ZT = k.alloc(4 * m * n), e = k.alloc(4 * n), scale = k.alloc(4 * m), want = k.alloc(4 * m * n);
const f32 = (): Float32Array => new Float32Array(memory.buffer);
for (let i = 0; i < m * n; i++) f32()[ZT / 4 + i] = Math.sin(i);
for (let i = 0; i < n; i++) f32()[e / 4 + i] = Math.cos(i);
for (let i = 0; i < m; i++) f32()[scale / 4 + i] = 1 + i / m;
k.accumulateCoefficients(want, ZT, m, n, e, scale, 0.5);
const call = (a: number[]): void => k.accumulateCoefficients(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
let bad = 0;
for (let run = 0; run < runs; run++) {
  f32().fill(0, S / 4, S / 4 + m * n);
  // 2 … size jobs in turn, so that some workers sit out some runs.
  const parts = 2 + (run % (size - 1)), rows = Math.floor(m / parts);
  const jobs = Array.from({ length: parts }, (_, t) => {
    const r0 = t * rows, r1 = t === parts - 1 ? m : r0 + rows;
    return [S + 4 * r0 * n, ZT + 4 * r0 * n, r1 - r0, n, e, scale + 4 * r0, 0.5];
  });
  pool.run(call, 'accumulateCoefficients', jobs);
  const view = f32();
  for (let i = 0; i < m * n; i++) {
    if (view[S / 4 + i] !== view[want / 4 + i]) { bad++; break; }
  }
}
pool.terminate();
console.log(JSON.stringify({ threads: size, runs, bad }));
