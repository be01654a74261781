// Issue 5 item 2 / issue 6 item 6: results are bit-identical with 1 or N kernel threads.
// init() fixes the thread count once per process, so each count runs in a child process.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
