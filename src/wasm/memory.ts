// Buffers in wasm linear memory. Views are made on demand from the current memory.buffer,
// because memory.grow (inside alloc) detaches every earlier view.
import { kernels } from './loader.js';
import { OverparamRangeError } from '../errors.js';

export type ElementKind = 'f32' | 'f64' | 'u64';
const BYTES: Record<ElementKind, number> = { f32: 4, f64: 8, u64: 8 };

/** wasm32 can address 4 GiB; asconfig's maximumMemory (65 536 pages) is exactly that. */
export const WASM32_LIMIT_BYTES = 4 * 1024 ** 3;
let limitBytes = WASM32_LIMIT_BYTES;
let bytesInUse = 0;

/** Caps the wasm memory the library may hold at once (default and maximum: 4 GiB, wasm32's limit). */
export function setMemoryLimit(bytes: number): void {
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes <= 0 || bytes > WASM32_LIMIT_BYTES) {
    throw new OverparamRangeError('BAD_VALUE', `setMemoryLimit: bytes must be an integer in [1, ${WASM32_LIMIT_BYTES}], got ${String(bytes)}`);
  }
  limitBytes = bytes;
}

/** Bytes of wasm memory held by live buffers (networks, runs in progress): returns to its baseline after dispose(). */
export function memoryInUse(): { bytesInUse: number; limitBytes: number; wasmMemoryBytes: number } {
  return { bytesInUse, limitBytes, wasmMemoryBytes: kernels().memory.buffer.byteLength };
}

const formatBytes = (b: number): string =>
  b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(1)} MiB` : `${b} B`;

/**
 * Throws OUT_OF_MEMORY before anything is allocated when `bytes` more would pass the limit.
 * `what` names the call and `reduce` says which sizes drive the figure.
 */
export function reserve(bytes: number, what: string, reduce: string): void {
  if (bytesInUse + bytes > limitBytes) {
    throw new OverparamRangeError('OUT_OF_MEMORY',
      `${what} needs ${formatBytes(bytes)} of wasm memory (${formatBytes(bytesInUse)} already in use), ` +
      `over the limit of ${formatBytes(limitBytes)}${limitBytes === WASM32_LIMIT_BYTES ? ' (wasm32 addresses 4 GiB)' : ''}; ${reduce}`);
  }
}

/** A block of wasm memory holding `length` elements; free() returns it to the allocator. */
export class WasmBuffer {
  readonly ptr: number;
  readonly length: number;
  readonly kind: ElementKind;
  private freed = false;

  constructor(kind: ElementKind, length: number) {
    this.kind = kind;
    this.length = length;
    const bytes = Math.max(1, length) * BYTES[kind];
    reserve(bytes, 'overparam', 'reduce the sizes (n, d, m) or free networks with dispose()');
    // Outside the try: before init() this is NOT_INITIALISED, not a memory failure.
    const k = kernels();
    try {
      this.ptr = k.alloc(bytes);
    } catch (cause) {
      // The allocator traps when memory.grow fails (the host refused more pages).
      throw new OverparamRangeError('OUT_OF_MEMORY',
        `overparam: the WebAssembly memory could not grow by ${formatBytes(bytes)} (${formatBytes(bytesInUse)} in use): ${String(cause)}`);
    }
    bytesInUse += bytes;
  }

  get bytes(): number { return this.length * BYTES[this.kind]; }

  /** A fresh view; valid until the next allocation. */
  f32(): Float32Array {
    return new Float32Array(kernels().memory.buffer, this.ptr, this.length);
  }

  f64(): Float64Array {
    return new Float64Array(kernels().memory.buffer, this.ptr, this.length);
  }

  words(): BigUint64Array {
    return new BigUint64Array(kernels().memory.buffer, this.ptr, this.length);
  }

  /** Copies `data` in (converting to this buffer's element type). */
  set(data: ArrayLike<number>): this {
    (this.kind === 'f64' ? this.f64() : this.f32()).set(data);
    return this;
  }

  /** Copies the contents out into a new array that does not alias wasm memory. */
  toFloat32(): Float32Array { return this.kind === 'f32' ? this.f32().slice() : Float32Array.from(this.f64()); }
  toFloat64(): Float64Array { return this.kind === 'f64' ? this.f64().slice() : Float64Array.from(this.f32()); }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    kernels().free(this.ptr);
    bytesInUse -= Math.max(1, this.length) * BYTES[this.kind];
  }
}

/**
 * Allocates a buffer and copies `data` into it. A view into wasm memory is copied out first:
 * the allocation may grow memory, which detaches every view of a non-shared memory.
 */
export function bufferFrom(kind: 'f32' | 'f64', data: ArrayLike<number>): WasmBuffer {
  const aliasesWasm = ArrayBuffer.isView(data) && data.buffer === kernels().memory.buffer;
  const source = aliasesWasm ? (data as unknown as Float32Array | Float64Array).slice() : data;
  return new WasmBuffer(kind, source.length).set(source);
}

/**
 * The buffers of one call. Everything allocated through it is freed when {@link withBuffers}
 * returns or throws, so an error part-way through a call (OUT_OF_MEMORY on the third buffer, a
 * failed check, a thread failure) leaks nothing.
 */
export class BufferScope {
  private readonly held: WasmBuffer[] = [];

  /** A new buffer of `length` elements, freed with the scope. */
  buffer(kind: ElementKind, length: number): WasmBuffer {
    const b = new WasmBuffer(kind, length);
    this.held.push(b);
    return b;
  }

  /** A new buffer holding a copy of `data` (see {@link bufferFrom}), freed with the scope. */
  from(kind: 'f32' | 'f64', data: ArrayLike<number>): WasmBuffer {
    const b = bufferFrom(kind, data);
    this.held.push(b);
    return b;
  }

  /** Frees every buffer of the scope (idempotent). */
  freeAll(): void {
    for (const b of this.held.splice(0)) b.free();
  }
}

/** Runs `body` with a {@link BufferScope} and frees all its buffers afterwards, on every path. */
export function withBuffers<T>(body: (scope: BufferScope) => T): T {
  const scope = new BufferScope();
  try {
    return body(scope);
  } finally {
    scope.freeAll();
  }
}

/** Frees every buffer, ignoring undefined entries. */
export function freeAll(...buffers: (WasmBuffer | undefined)[]): void {
  for (const b of buffers) b?.free();
}

/** Splits a non-negative integer seed (< 2^53) into the u32 halves the kernels take. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}
