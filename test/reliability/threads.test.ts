// Issue 5 item 2 / issue 6 item 6: results are bit-identical with 1 or N kernel threads.
// init() fixes the thread count once per process, so each count runs in a child process.
// Issue 11 §4: a failing worker reaches the caller as THREAD_FAILED with its own message, and
// thread counts that would exhaust the machine are refused.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ThreadPool } from '../../src/wasm/threads';
import { init, OverparamError } from '../../src/index';

const script = fileURLToPath(new URL('./threadRun.ts', import.meta.url));
const run = (threads: number): { threads: number; hash: string } =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, String(threads)], { encoding: 'utf8' }).trim());

describe('threads', () => {
  it('gives bit-identical runs on 1, 2 and 3 threads (both step forms, joint training, H(k), dense eigenpairs)', () => {
    const one = run(1), two = run(2), three = run(3);
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    expect(two.hash).toBe(one.hash);
    expect(three.hash).toBe(one.hash);
  });
});

/** The shared-memory build on its own memory, with a pool of `size` threads (independent of init()). */
async function sharedKernels(size: number) {
  const module = await WebAssembly.compile(readFileSync(new URL('../../build/overparam-shared.wasm', import.meta.url)));
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const { exports } = await WebAssembly.instantiate(module, {
    env: { memory, abort() { throw new Error('abort'); }, householderParallelPass() { throw new Error('no fork here'); } },
  });
  const k = exports as unknown as { alloc(bytes: number): number; gemmNT(...a: number[]): void };
  return { module, memory, k, pool: await ThreadPool.start(size, module, memory) };
}

describe('thread hand-off', () => {
  // Issue 11 §2: a caller descheduled between storing a job's number and notifying made the worker
  // see the job while spinning, finish it, fall asleep on the same number, wake on the late notify
  // and run the finished job again. The pause (OVERPARAM_THREAD_JITTER_MS) sits in that window; with
  // a single Atomics.wait in the worker, 25 of 3000 runs here added a share twice.
  it('runs every job exactly once, with pauses between a job\'s number and its notify (1500 runs on 3 threads)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./handOff.ts', import.meta.url)), '3', '1500'],
      { encoding: 'utf8', env: { ...process.env, OVERPARAM_THREAD_JITTER_MS: '1' } });
    expect(JSON.parse(out.trim())).toEqual({ threads: 3, runs: 1500, bad: 0 });
  }, 60_000);
});

describe('thread failures', () => {
  it('forwards a worker\'s trap as THREAD_FAILED with its message, and the pool still gives the right bits afterwards', async () => {
    const { memory, k, pool } = await sharedKernels(2);
    try {
      const rows = 64, cols = 24, inner = 20;
      const A = k.alloc(4 * rows * inner), B = k.alloc(4 * cols * inner), C = k.alloc(4 * rows * cols), C1 = k.alloc(4 * rows * cols);
      const view = new Float32Array(memory.buffer);
      for (let i = 0; i < rows * inner; i++) view[A / 4 + i] = Math.sin(i);
      for (let i = 0; i < cols * inner; i++) view[B / 4 + i] = Math.cos(3 * i);
      k.gemmNT(A, B, C1, rows, cols, inner); // the one-thread reference
      const call = (a: number[]) => k.gemmNT(a[0], a[1], a[2], a[3], a[4], a[5]);
      const half = rows / 2;
      const split = (out: number) => [[A, B, out, half, cols, inner], [A + 4 * half * inner, B, out + 4 * half * cols, half, cols, inner]];
      // Job 1 writes far past the end of memory: the wasm traps on the worker.
      const bad = [split(C)[0], [A, B, 0xfff00000, half, cols, inner]];
      let caught: unknown;
      try {
        pool.run(call, 'gemmNT', bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OverparamError);
      expect((caught as OverparamError).code).toBe('THREAD_FAILED');
      expect((caught as Error).message).toMatch(/gemmNT failed on kernel thread 1 of 2: RuntimeError: memory access out of bounds/);
      // The same pool, a valid split: every bit as on one thread, twice (the error word is cleared).
      for (let round = 0; round < 2; round++) {
        new Float32Array(memory.buffer, C, rows * cols).fill(0);
        pool.run(call, 'gemmNT', split(C));
        expect(new Float32Array(memory.buffer, C, rows * cols)).toEqual(new Float32Array(memory.buffer, C1, rows * cols));
      }
    } finally {
      pool.terminate();
    }
  });

  it('rejects with THREAD_FAILED and the worker\'s own message when a worker cannot start', async () => {
    // (module (import "env" "missing" (func))): the worker's instantiation fails to link.
    const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0,
      2, 15, 1, 3, 0x65, 0x6e, 0x76, 7, 0x6d, 0x69, 0x73, 0x73, 0x69, 0x6e, 0x67, 0, 0);
    const module = await WebAssembly.compile(bytes);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const error = await ThreadPool.start(3, module, memory).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OverparamError);
    expect((error as OverparamError).code).toBe('THREAD_FAILED');
    expect((error as Error).message).toMatch(/^init: kernel thread \d of 3 failed to start: LinkError: .*missing/);
    // Starting works again afterwards.
    const { pool } = await sharedKernels(2);
    expect(pool.size).toBe(2);
    pool.terminate();
  });
});

describe('thread count limit', () => {
  const cores = availableParallelism(), cap = Math.max(8, 4 * cores);

  it('refuses init({ threads }) above 4 × the cores (at least 8), naming the cap and the core count', async () => {
    const error = await init({ threads: cap + 1 }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as OverparamError).code).toBe('BAD_VALUE');
    expect((error as Error).message).toContain(`init: threads must be at most ${cap} (4 × the ${cores} available core`);
    expect((error as Error).message).toContain(`got ${cap + 1}`);
  });

  it('refuses OVERPARAM_THREADS above the cap the same way, and accepts the cap itself', () => {
    const probe = (threads: number): string => execFileSync(process.execPath, ['--import', 'tsx', '-e',
      `import { init, threadCount } from ${JSON.stringify(fileURLToPath(new URL('../../src/index.ts', import.meta.url)))};
       try { await init(); console.log('threads', threadCount()); } catch (e) { console.log(e.code, e.message); }`],
    { encoding: 'utf8', env: { ...process.env, OVERPARAM_THREADS: String(threads) } }).trim();
    expect(probe(cap + 1)).toBe(`BAD_VALUE init: OVERPARAM_THREADS must be at most ${cap} (4 × the ${cores} available cores, ` +
      `at least 8; each thread is a worker with its own copy of the kernels), got ${cap + 1}`);
    expect(probe(cap)).toBe(`threads ${cap}`);
  });
});
