// The only module that knows how the .wasm is found and instantiated. Swapping
// @assemblyscript/loader for generated bindings later touches this file alone.
import { instantiate } from '@assemblyscript/loader';
import type { KernelExports } from './kernels.js';
import { OverparamError } from '../errors.js';
import { ThreadPool, threadsAvailable } from './threads.js';
import { householderParallelPass } from './parallel.js';

let instance: KernelExports | undefined;
let loading: Promise<KernelExports> | undefined;
let wasmSource: string | URL | undefined;
let pool: ThreadPool | undefined;

/** Initial and maximum pages (64 KiB) of the shared memory: as asconfig's, 4 GiB at most. */
const SHARED_MEMORY = { initial: 16, maximum: 65536, shared: true } as const;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Overrides where the .wasm is read from (a URL, or a file path in Node). Call before init(). */
export function setWasmPath(path: string | URL): void {
  if (instance) throw new Error('overparam: setWasmPath() must be called before init()');
  wasmSource = path;
}

// A computed specifier, so bundlers targeting browsers (Vite, esbuild, webpack) leave this
// Node-only import alone instead of failing to resolve or stubbing a node builtin.
const NODE_FS = 'node:fs/promises';

/** The build for one thread (own memory) or for several (imported shared memory), plain or relaxed SIMD. */
function defaultUrl(shared: boolean, relaxed = false): URL {
  if (relaxed) {
    return shared
      ? new URL('../../build/overparam-relaxed-shared.wasm', import.meta.url)
      : new URL('../../build/overparam-relaxed.wasm', import.meta.url);
  }
  return shared
    ? new URL('../../build/overparam-shared.wasm', import.meta.url)
    : new URL('../../build/overparam.wasm', import.meta.url);
}

/**
 * Whether this engine runs relaxed SIMD: a module of one function returning
 * f32x4.relaxed_madd of three constants must validate (Chromium: by default; Node 20: with
 * --experimental-wasm-relaxed-simd).
 */
export function relaxedSimdSupported(): boolean {
  const constant = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...constant, ...constant, ...constant, 0xfd, 0x85, 0x02, 0x0b];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () → v128
    0x03, 0x02, 0x01, 0x00, // one function of that type
    0x0a, body.length + 2, 0x01, body.length, ...body,
  ]);
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

let relaxedBuild = false;

/** Whether the kernels loaded are the relaxed-SIMD build (init({ relaxedSimd: true }) on an engine that runs it). */
export function relaxedSimdActive(): boolean {
  return relaxedBuild;
}

async function readWasm(url: string | URL): Promise<BufferSource | Response> {
  if (isNode && (typeof url === 'string' ? !/^https?:/.test(url) : url.protocol === 'file:')) {
    const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_FS) as typeof import('node:fs/promises');
    return readFile(url) as Promise<Uint8Array<ArrayBuffer>>;
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`overparam: fetching ${String(url)} failed (HTTP ${response.status}); ` +
      'serve build/overparam.wasm there or point setWasmPath() at it');
  }
  // Streaming compilation refuses any other MIME type, and many static servers send
  // application/octet-stream for .wasm: read those into memory instead.
  const mime = response.headers.get('content-type') ?? '';
  return mime.split(';')[0].trim() === 'application/wasm' ? response : response.arrayBuffer();
}

/**
 * Loads and instantiates the kernels once; later calls return the same instance. With
 * `threads > 1` (and shared memory and blocking allowed here) the shared-memory build is loaded
 * and `threads − 1` workers start on the same memory; otherwise the single-thread build.
 */
export function loadKernels(threads = 1, relaxedSimd = false): Promise<KernelExports> {
  if (instance) return Promise.resolve(instance);
  loading ??= (async () => {
    // An explicit count is honoured (even above the core count) wherever threads can run at all.
    const usable = threads > 1 && (await threadsAvailable()) > 1 ? threads : 1;
    const shared = usable > 1 && wasmSource === undefined;
    const relaxed = relaxedSimd && wasmSource === undefined && relaxedSimdSupported();
    const source = await readWasm(wasmSource ?? defaultUrl(shared, relaxed));
    const module = source instanceof Response
      ? await WebAssembly.compileStreaming(source)
      : await WebAssembly.compile(source as BufferSource);
    const memory = shared ? new WebAssembly.Memory(SHARED_MEMORY) : undefined;
    const env: Record<string, unknown> = { householderParallelPass };
    if (memory) env.memory = memory;
    const result = await instantiate<Record<string, unknown>>(module, { env });
    const exports = { ...result.exports } as unknown as KernelExports;
    if (memory) exports.memory = memory;
    if (shared) pool = await ThreadPool.start(usable, module, memory!);
    exports.setHouseholderThreads(pool !== undefined);
    instance = exports;
    relaxedBuild = relaxed;
    return instance;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

/** The kernel threads, when init() started more than one. */
export function threadPool(): ThreadPool | undefined {
  return pool;
}

/** The number of threads the kernels run on (1 until init() started more). */
export function threadCount(): number {
  return pool?.size ?? 1;
}

/** The instantiated kernels; throws a clear error when init() has not finished. */
export function kernels(): KernelExports {
  if (!instance) throw new OverparamError('NOT_INITIALISED', 'overparam: call `await init()` before using the library');
  return instance;
}
