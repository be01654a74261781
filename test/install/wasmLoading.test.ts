// Every way the WebAssembly core can fail to load ends in OverparamError 'WASM_UNAVAILABLE' with
// what to do; setWasmPath takes both builds and never turns threads off silently; the inline entry
// needs no file. Each test loads the library afresh (vi.resetModules), since init() happens once.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveDirectory } from '../e2e/staticServer.js';

type Library = typeof import('../../src/index.js');

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const singleBuild = `${repoRoot}build/overparam.wasm`;
const sharedBuild = `${repoRoot}build/overparam-shared.wasm`;

async function freshLibrary(entry: 'index' | 'inline' = 'index'): Promise<Library> {
  vi.resetModules();
  return entry === 'index' ? import('../../src/index.js') : import('../../src/inline.js');
}

/** The error init() rejects with (fails the test when it resolves). */
async function initError(library: Library, options?: { threads?: number }): Promise<Error & { code?: string }> {
  try {
    await library.init(options);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('init() resolved, but it should have failed');
}

/** A small run whose numbers the entries must agree on. */
function smallRun(library: Library): Float64Array {
  const { X, y } = library.sphereData({ n: 20, d: 6, seed: 4 });
  const net = library.TwoLayerNet.random({ d: 6, m: 300, seed: 5 });
  try {
    return library.train(net, X, y, { eta: 0.3, steps: 10 }).residualSq;
  } finally {
    net.dispose();
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a core that cannot load throws WASM_UNAVAILABLE', () => {
  it('for a file that is not WebAssembly (setWasmPath at README.md)', async () => {
    const library = await freshLibrary();
    library.setWasmPath(`${repoRoot}README.md`);
    const error = await initError(library, { threads: 1 });
    expect(error).toBeInstanceOf(library.OverparamError);
    expect(error.code).toBe('WASM_UNAVAILABLE');
    expect(error.message).toMatch(/README\.md is not a valid module/);
    expect(error.message).toMatch(/overparam\/inline/);
  });

  it('for a missing file, naming it', async () => {
    const library = await freshLibrary();
    library.setWasmPath(`${repoRoot}build/no-such-core.wasm`);
    const error = await initError(library, { threads: 1 });
    expect(error.code).toBe('WASM_UNAVAILABLE');
    expect(error.message).toMatch(/no-such-core\.wasm \(ENOENT\)/);
    expect(error.message).toMatch(/setWasmPath\(\{ single, shared \}\)/);
  });

  it('for a URL that answers 404', async () => {
    const server = await serveDirectory(`${repoRoot}build`);
    try {
      const library = await freshLibrary();
      library.setWasmPath(`${server.url}missing.wasm`);
      const error = await initError(library, { threads: 1 });
      expect(error.code).toBe('WASM_UNAVAILABLE');
      expect(error.message).toMatch(/missing\.wasm failed \(HTTP 404\)/);
    } finally {
      await server.close();
    }
  });

  it('where the engine has no WebAssembly', async () => {
    const library = await freshLibrary();
    vi.stubGlobal('WebAssembly', undefined);
    const error = await initError(library, { threads: 1 });
    vi.unstubAllGlobals();
    expect(error.code).toBe('WASM_UNAVAILABLE');
    expect(error.message).toMatch(/no WebAssembly/);
  });

  it('where WebAssembly has no SIMD (the probe module does not validate)', async () => {
    const library = await freshLibrary();
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const error = await initError(library, { threads: 1 });
    expect(validate).toHaveBeenCalled();
    expect(error.code).toBe('WASM_UNAVAILABLE');
    expect(error.message).toMatch(/without SIMD/);
  });

  it('and a later init() with a good path works', async () => {
    const library = await freshLibrary();
    library.setWasmPath(`${repoRoot}build/no-such-core.wasm`);
    expect((await initError(library, { threads: 1 })).code).toBe('WASM_UNAVAILABLE');
    library.setWasmPath(singleBuild);
    await library.init({ threads: 1 });
    expect(smallRun(library)[10]).toBeLessThan(smallRun(library)[0]);
  });
});

describe('setWasmPath', () => {
  it('refuses an argument that is not a path, URL or { single, shared? }', async () => {
    const library = await freshLibrary();
    for (const bad of [42, null, {}, { single: 3 }, { single: singleBuild, shared: 7 }]) {
      expect(() => library.setWasmPath(bad as never)).toThrow(expect.objectContaining({
        code: 'BAD_VALUE', message: expect.stringMatching(/^setWasmPath: path must be/),
      }));
    }
  });

  it('refuses to change the core after init()', async () => {
    const library = await freshLibrary();
    await library.init({ threads: 1 });
    expect(() => library.setWasmPath(singleBuild)).toThrow(/setWasmPath: must be called before init\(\)/);
  });

  it('with { single, shared } keeps the threads', async () => {
    const library = await freshLibrary();
    library.setWasmPath({ single: singleBuild, shared: new URL(`file://${sharedBuild}`) });
    await library.init({ threads: 2 });
    expect(library.threadCount()).toBe(2);
  });

  it('with the single build only runs on one thread and says so', async () => {
    const library = await freshLibrary();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    library.setWasmPath(singleBuild);
    await library.init({ threads: 2 });
    expect(library.threadCount()).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/runs on 1 thread instead of 2.*setWasmPath\(\{ single, shared \}\)/));
  });
});

describe('the inline entry', () => {
  it('loads both builds from its own bytes and gives the streaming entry\'s numbers', async () => {
    const streaming = await freshLibrary('index');
    await streaming.init({ threads: 1 });
    const expected = smallRun(streaming);

    const inline = await freshLibrary('inline');
    await inline.init({ threads: 2 });
    expect(inline.threadCount()).toBe(2);
    expect(smallRun(inline)).toEqual(expected);
  });

  it('still lets setWasmPath choose the core', async () => {
    const inline = await freshLibrary('inline');
    inline.setWasmPath(`${repoRoot}build/no-such-core.wasm`);
    expect((await initError(inline, { threads: 1 })).code).toBe('WASM_UNAVAILABLE');
  });
});
