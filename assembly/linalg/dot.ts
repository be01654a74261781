// Dot-product pieces shared by the f32 kernels. Preconditions (documented once, in
// src/wasm/kernels.ts): pointers are to f32 data; no alignment is required (v128.load is unaligned).

/** Sum of the four lanes, in a fixed order so every host rounds the same way. */
// @ts-ignore: decorator
@inline export function lanesSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
         (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ_k a[k] b[k] over f32 inputs in f32, four lanes at a time. */
export function dotF32(a: usize, b: usize, len: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const off = <usize>k << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  let sum = lanesSum(acc);
  for (; k < len; k++) {
    const off = <usize>k << 2;
    sum += load<f32>(a + off) * load<f32>(b + off);
  }
  return sum;
}
