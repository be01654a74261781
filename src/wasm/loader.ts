// The only module that knows how the .wasm is found and instantiated. The core imports nothing
// but `env.abort`, `env.householderParallelPass` and (shared build) `env.memory`, so it is
// instantiated with WebAssembly's own API: the package has no runtime dependency and its ES modules
// load as they are on a page without an import map.
import type { KernelExports } from './kernels.js';
import { OverparamError, OverparamTypeError } from '../errors.js';
import { ThreadPool, threadsAvailable } from './threads.js';
import { householderParallelPass } from './parallel.js';
import { isLoaded, kernels, setInstance, threadCount, threadPool } from './instance.js';

export { kernels, threadCount, threadPool };

/** One build of the core: its URL (or a file path in Node), or its bytes. */
export type WasmSource = string | URL | BufferSource;

/**
 * The builds {@link loadKernels} chooses from: `single` for one thread (own memory), `shared` for
 * several (imported shared memory). Without `shared` the kernels run on one thread.
 */
export interface WasmBuilds {
  single: WasmSource;
  shared?: WasmSource;
  /** The same two built with relaxed SIMD (f32x4.relaxed_madd in the GEMMs), for init({ relaxedSimd: true }). */
  relaxedSingle?: WasmSource;
  relaxedShared?: WasmSource;
}

/** Where the kernel threads' script comes from (see threads.ts); undefined: next to threads.js. */
export type WorkerSource = () => string | URL | undefined;

let loading: Promise<KernelExports> | undefined;
/** Set by setWasmPath(); wins over the entry's builds. */
let chosenBuilds: WasmBuilds | undefined;
/** The entry's own builds: the files beside the package (streaming entry) or inlined bytes. */
let entryBuilds: () => WasmBuilds = filesBesideThePackage;
let entryWorker: WorkerSource = () => undefined;

/** Initial and maximum pages (64 KiB) of the shared memory: as asconfig's, 4 GiB at most. */
const SHARED_MEMORY = { initial: 16, maximum: 65536, shared: true } as const;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * Sets where {@link init} reads the WebAssembly core from; call it before `init()`.
 *
 * `path` is the single-thread build (`build/overparam.wasm` of the package), or both builds as
 * `{ single, shared }` (`shared`: `build/overparam-shared.wasm`). Each is a URL (absolute, or
 * relative to the page) or, in Node, a file path or `file:` URL. With the single build only, the
 * kernels run on one thread: `init()` then warns (console.warn) when it could have started more.
 *
 * @example
 * ```ts
 * setWasmPath({ single: '/assets/overparam.wasm', shared: '/assets/overparam-shared.wasm' });
 * await init();
 * ```
 */
export function setWasmPath(path: string | URL | { single: string | URL; shared?: string | URL }): void {
  if (isLoaded() || loading) {
    throw new OverparamError('BAD_VALUE', 'setWasmPath: must be called before init() (the core is already loaded or loading)');
  }
  const builds = isLocation(path) ? { single: path } : path;
  if (typeof builds !== 'object' || builds === null || !isLocation(builds.single) ||
      (builds.shared !== undefined && !isLocation(builds.shared))) {
    throw new OverparamTypeError('BAD_VALUE',
      'setWasmPath: path must be a URL or path string, a URL, or { single, shared? } of those, ' +
      `got ${describe(path)}`);
  }
  chosenBuilds = { single: builds.single, shared: builds.shared };
}

/**
 * Makes this entry's builds the default (used by the inline entry, whose builds are bytes, and
 * whose kernel threads start from a script it holds). setWasmPath() still wins.
 */
export function setEntryBuilds(builds: () => WasmBuilds, worker: WorkerSource = () => undefined): void {
  entryBuilds = builds;
  entryWorker = worker;
}

function isLocation(value: unknown): value is string | URL {
  return typeof value === 'string' || value instanceof URL;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}

// A computed specifier, so bundlers targeting browsers (Vite, esbuild, webpack) leave this
// Node-only import alone instead of failing to resolve or stubbing a node builtin.
const NODE_FS = 'node:fs/promises';

/** The streaming entry's builds: the package's build/ folder, found from this module's URL. */
function filesBesideThePackage(): WasmBuilds {
  // Written out in full so Vite and webpack see `new URL('literal', import.meta.url)` and emit the files.
  return {
    single: new URL('../../build/overparam.wasm', import.meta.url),
    shared: new URL('../../build/overparam-shared.wasm', import.meta.url),
    relaxedSingle: new URL('../../build/overparam-relaxed.wasm', import.meta.url),
    relaxedShared: new URL('../../build/overparam-relaxed-shared.wasm', import.meta.url),
  };
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

/** What to do when the core cannot be found or read: said in every WASM_UNAVAILABLE message. */
const HOW_TO_FIX = "serve the package's build/overparam.wasm (and build/overparam-shared.wasm for threads) and " +
  "point setWasmPath({ single, shared }) at them, or import from 'overparam/inline', which holds the core";

/**
 * A minimal SIMD module (i32.const 0, i8x16.splat, i8x16.popcnt: the check wasm-feature-detect
 * uses): an engine that validates it runs the core's f32x4 code.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Throws WASM_UNAVAILABLE when this engine cannot run the core at all (no WebAssembly, no SIMD). */
function checkEngine(): void {
  if (typeof WebAssembly !== 'object' || WebAssembly === null || typeof WebAssembly.validate !== 'function') {
    throw new OverparamError('WASM_UNAVAILABLE',
      'init: this JavaScript engine has no WebAssembly (disabled by policy, or a very old engine); ' +
      'overparam runs only on WebAssembly: use Node ≥ 20.19 or a current browser with WebAssembly enabled');
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new OverparamError('WASM_UNAVAILABLE',
      'init: this engine runs WebAssembly without SIMD, which the core needs (fixed-width 128-bit SIMD: ' +
      'Chrome/Edge 91+, Firefox 89+, Safari 16.4+, Node 16.4+); update the browser or enable WebAssembly SIMD');
  }
}

/** Reads one build: bytes as they are, a file in Node, else a fetch (a Response when streamable). */
async function readWasm(source: WasmSource): Promise<BufferSource | Response> {
  if (!isLocation(source)) return source;
  const where = String(source);
  if (isNode && (typeof source === 'string' ? !/^(https?|data|blob):/.test(source) : source.protocol === 'file:')) {
    const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_FS) as typeof import('node:fs/promises');
    try {
      return await readFile(source) as Uint8Array<ArrayBuffer>;
    } catch (cause) {
      throw new OverparamError('WASM_UNAVAILABLE', `init: cannot read the WebAssembly core at ${where} ` +
        `(${(cause as NodeJS.ErrnoException).code ?? String(cause)}): ${HOW_TO_FIX}`, { cause });
    }
  }
  let response: Response;
  try {
    response = await fetch(source);
  } catch (cause) {
    throw new OverparamError('WASM_UNAVAILABLE', `init: fetching the WebAssembly core at ${where} failed ` +
      `(${String(cause)}): ${HOW_TO_FIX}`, { cause });
  }
  if (!response.ok) {
    throw new OverparamError('WASM_UNAVAILABLE',
      `init: fetching the WebAssembly core at ${where} failed (HTTP ${response.status}): ${HOW_TO_FIX}`);
  }
  // Streaming compilation refuses any other MIME type, and many static servers send
  // application/octet-stream for .wasm: read those into memory instead.
  const mime = response.headers.get('content-type') ?? '';
  return mime.split(';')[0].trim() === 'application/wasm' ? response : response.arrayBuffer();
}

/** Compiles one build; bytes that are not this core (an HTML 404 page, a truncated file) throw WASM_UNAVAILABLE. */
async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  const input = await readWasm(source);
  try {
    return input instanceof Response ? await WebAssembly.compileStreaming(input) : await WebAssembly.compile(input);
  } catch (cause) {
    const where = isLocation(source) ? ` at ${String(source)}` : ' given as bytes';
    throw new OverparamError('WASM_UNAVAILABLE', `init: the WebAssembly core${where} is not a valid module ` +
      `(${cause instanceof Error ? cause.message : String(cause)}); it must be the package's build/overparam.wasm ` +
      `(or build/overparam-shared.wasm for threads): ${HOW_TO_FIX}`, { cause });
  }
}

/** The core's `abort(message, file, line, column)`: its strings are UTF-16 with their byte length before them. */
function abortFrom(memory: () => WebAssembly.Memory) {
  const text = (ptr: number): string => {
    if (!ptr) return '';
    const buffer = memory().buffer;
    const bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
    // Copied out first: TextDecoder refuses views of shared memory.
    return new TextDecoder('utf-16le').decode(new Uint8Array(buffer, ptr, bytes).slice());
  };
  return (message: number, file: number, line: number, column: number): never => {
    throw new Error(`abort: ${text(message)} at ${text(file)}:${line}:${column}`);
  };
}

/**
 * Loads and instantiates the kernels once; later calls return the same instance. With
 * `threads > 1` (and shared memory and blocking allowed here) the shared-memory build is loaded
 * and `threads − 1` workers start on the same memory; otherwise the single-thread build.
 */
export function loadKernels(threads = 1, relaxedSimd = false): Promise<KernelExports> {
  if (isLoaded()) return Promise.resolve(kernels());
  loading ??= (async () => {
    checkEngine();
    const builds = chosenBuilds ?? entryBuilds();
    // An explicit count is honoured (even above the core count) wherever threads can run at all.
    let usable = threads > 1 && (await threadsAvailable()) > 1 ? threads : 1;
    if (usable > 1 && builds.shared === undefined) {
      console.warn(`overparam: init() runs on 1 thread instead of ${usable}: setWasmPath() gave only the ` +
        'single-thread build; pass setWasmPath({ single, shared }) with build/overparam-shared.wasm for threads');
      usable = 1;
    }
    const shared = usable > 1;
    // The relaxed build only where asked for, shipped (the inline entry holds none) and runnable here.
    const relaxed = relaxedSimd && (shared ? builds.relaxedShared : builds.relaxedSingle) !== undefined && relaxedSimdSupported();
    const module = await compile(relaxed
      ? (shared ? builds.relaxedShared! : builds.relaxedSingle!)
      : (shared ? builds.shared! : builds.single));
    const memory = shared ? new WebAssembly.Memory(SHARED_MEMORY) : undefined;
    let exports: KernelExports | undefined;
    const env: WebAssembly.ModuleImports = {
      householderParallelPass,
      abort: abortFrom(() => memory ?? exports!.memory),
    };
    if (memory) env.memory = memory;
    const wasm = await WebAssembly.instantiate(module, { env });
    exports = { ...wasm.exports } as unknown as KernelExports;
    if (memory) exports.memory = memory;
    const pool = shared ? await ThreadPool.start(usable, module, memory!, entryWorker()) : undefined;
    exports.setHouseholderThreads(pool !== undefined);
    relaxedBuild = relaxed;
    setInstance(exports, pool);
    return exports;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}
