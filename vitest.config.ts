import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The wasm kernels are single-threaded; two workers match the 2-core CI machine.
    pool: 'forks',
    // One thread by default here (the library's own default is every core): its memory is not
    // shared, so a wasm view kept across an allocation detaches and fails loudly here, as it would
    // in a browser.
    // test/reliability/threads.test.ts checks that 1, 2 and 3 threads agree bit for bit.
    env: { OVERPARAM_THREADS: process.env.OVERPARAM_THREADS ?? '1' },
    maxWorkers: 2,
  },
});
