// The wasm boundary against the built modules: every build exports exactly the functions of
// KERNEL_ARITY (src/wasm/kernels.ts, which the compiler holds equal to the typings), each with that
// many parameters, and imports nothing but what loader.ts gives it. A kernel added, removed or
// re-signed in assembly/ without the typings (or the other way round) fails here or does not build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_ARITY, THREAD_KERNELS } from '../src/wasm/kernels';
import { relaxedSimdSupported } from '../src/wasm/loader';

const builds = [
  { file: 'overparam.wasm', shared: false },
  { file: 'overparam-shared.wasm', shared: true },
  { file: 'overparam-relaxed.wasm', shared: false, relaxed: true },
  { file: 'overparam-relaxed-shared.wasm', shared: true, relaxed: true },
];

describe('the wasm boundary', () => {
  for (const build of builds) {
    it.skipIf(build.relaxed && !relaxedSimdSupported())(`${build.file} exports what kernels.ts types, with the same arities`, async () => {
      const module = await WebAssembly.compile(readFileSync(new URL(`../build/${build.file}`, import.meta.url)));
      const env: Record<string, unknown> = { abort: () => { throw new Error('abort'); }, householderParallelPass: () => {} };
      if (build.shared) env.memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
      // The loader's imports, and no other.
      expect(WebAssembly.Module.imports(module).map((i) => i.name).sort())
        .toEqual(Object.keys(env).sort());
      const { exports } = await WebAssembly.instantiate(module, { env: env as WebAssembly.ModuleImports });
      const functions = Object.entries(exports).filter(([, v]) => typeof v === 'function');
      expect(functions.map(([name]) => name).sort()).toEqual(Object.keys(KERNEL_ARITY).sort());
      const arity = Object.fromEntries(functions.map(([name, f]) => [name, (f as (...args: unknown[]) => unknown).length]));
      expect(arity).toEqual(KERNEL_ARITY);
      if (!build.shared) expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
      for (const name of THREAD_KERNELS) expect(typeof exports[name]).toBe('function');
    });
  }
});
