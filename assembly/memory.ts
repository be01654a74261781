// Caller-owned buffers: the TypeScript side allocates every buffer once per network or dataset
// and frees it on dispose(); kernels never allocate. TLSF (runtime "minimal") really returns
// freed blocks, so create/dispose cycles do not grow the heap.

/** Allocates `bytes` bytes, 16-byte aligned (v128 loads need no realignment). */
export function alloc(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Returns a block from `alloc` to the allocator. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
