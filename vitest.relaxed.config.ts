// The test suite on the relaxed-SIMD build (`npx vitest run --config vitest.relaxed.config.ts`):
// Node 20 runs relaxed SIMD only with a V8 flag, which NODE_OPTIONS refuses, so the test
// processes get it here; OVERPARAM_RELAXED_SIMD=1 makes init() load that build.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(base, defineConfig({
  test: {
    execArgv: ['--experimental-wasm-relaxed-simd'],
    env: { OVERPARAM_RELAXED_SIMD: '1' },
  },
}));
